import { defineConfig } from "vite";

export default defineConfig({
  // @upkit/react is linked from packages/react, whose own `react` is 19: one React, this app's.
  resolve: { dedupe: ["react", "react-dom"] },
  build: {
    // The test loads the build in jsdom, which neither fetches <link rel="modulepreload"> nor
    // fires their load events.
    modulePreload: false,
  },
});
