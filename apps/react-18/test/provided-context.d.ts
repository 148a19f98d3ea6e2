// What packages/react/test/support/upload-stack.ts (this run's global setup) provides, as it
// declares it there; that file is left out of this folder's type check, which would otherwise
// take in the server's and the emulator's sources.
declare module "vitest" {
  export interface ProvidedContext {
    endpoint: string;
    urlEndpoint: string;
  }
}

export {};
