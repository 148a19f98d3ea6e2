// The baseline: a trivial node:http server that reads a POST body, counts its bytes and answers
// `{ "bytes": n }`. Run as its own process (like the emulator), it prints `sink at <url>`.
import { createServer } from "node:http";

const server = createServer((req, res) => {
  let bytes = 0;
  req.on("data", (chunk) => {
    bytes += chunk.length;
  });
  req.on("end", () => {
    const text = JSON.stringify({ bytes });
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  });
});

server.listen(0, "127.0.0.1", () => {
  console.log(`sink at http://127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
