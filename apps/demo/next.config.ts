import type { NextConfig } from "next";

const config: NextConfig = {
  images: {
    remotePatterns: [
      { protocol: "http", hostname: "localhost", port: "4500" },
      { protocol: "https", hostname: "ik.imagekit.io" },
    ],
  },
};

export default config;
