import Link from "next/link";

const pages = ["empty", "upkit", "uploadthing", "uppy", "react-uploady", "react-dropzone"];

export default function IndexPage() {
  return (
    <main>
      <h1>Bundle benchmark pages</h1>
      <ul>
        {pages.map((page) => (
          <li key={page}>
            <Link href={`/${page}`}>{page}</Link>
          </li>
        ))}
      </ul>
    </main>
  );
}
