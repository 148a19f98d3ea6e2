// upkit: a server component renders <Uploader>, as in the root README.
import "@upkit/react/styles.css";
import { Uploader } from "./uploader";

export default function UpkitPage() {
  return (
    <main>
      <h1>Upload</h1>
      <Uploader profile="images" />
    </main>
  );
}
