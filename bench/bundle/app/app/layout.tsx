// Shared by every page, so that a page's first-load JS minus the empty page's is what its
// uploader adds. Each page imports its library's own styles.
import type { ReactNode } from "react";

export const metadata = { title: "upkit bundle benchmark" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
