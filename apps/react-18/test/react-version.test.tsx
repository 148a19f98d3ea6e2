import { render, screen } from "@testing-library/react";
import { Uploader } from "@upkit/react";
import { version } from "react";
import { version as domVersion } from "react-dom";
import { expect, it } from "vitest";
import { imagesConfig } from "../../../packages/react/test/support/manual-transport";

// The guard of this whole run: were the aliases of vitest.config.ts to miss, @upkit/react's tests
// would pass on React 19 and prove nothing about 18.
it("runs @upkit/react's tests on React 18, with one React for the hooks of react-dropzone too", () => {
  expect(version).toBe("18.3.1");
  expect(domVersion).toBe("18.3.1");
  // The dropzone's hooks come from react-dropzone: a second React would fail them.
  render(<Uploader profile="images" config={imagesConfig} />);
  expect(screen.getByRole("button", { name: /drop files here/i })).toBeInTheDocument();
});
