// instrumentation.ts (optional): a missing or malformed key fails at start, not at the first upload
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { uploads } = await import("./app/api/upload/uploads");
    uploads.checkConfig();
  }
}
