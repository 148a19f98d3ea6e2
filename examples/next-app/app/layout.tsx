// app/layout.tsx: the uploader's styles, imported once
import "@upkit/react/styles.css";
import type { ReactNode } from "react";

export const metadata = { title: "upkit example" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
