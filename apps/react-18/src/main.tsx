import "@upkit/react/styles.css";
import { Uploader } from "@upkit/react";
import { StrictMode, version } from "react";
import { createRoot } from "react-dom/client";

// A page as a React 18 app writes it. The route comes from the page (test/app.test.ts points it
// at a real route handler and ImageKit emulator); a real app would write "/api/upload".
const root = document.getElementById("root") as HTMLElement;
root.dataset.react = version;
createRoot(root).render(
  <StrictMode>
    <Uploader profile="photos" endpoint={root.dataset.endpoint ?? "/api/upload"} />
  </StrictMode>,
);
