import { resolveBackend } from "../lib/backend";

export const dynamic = "force-dynamic";

export default function Home() {
  const backend = resolveBackend();
  return (
    <main>
      <h1>upkit demo</h1>
      <p>
        Backend:{" "}
        <strong>{backend.kind === "emulator" ? "local ImageKit emulator" : "ImageKit.io"}</strong>{" "}
        at <code>{backend.urlEndpoint}</code>
      </p>
    </main>
  );
}
