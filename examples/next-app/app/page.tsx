// app/page.tsx: a server component renders the typed uploader with props that are data
import { Uploader } from "./uploader";

export default function HomePage() {
  return (
    <main>
      <h1>Photos</h1>
      <Uploader profile="images" input={{ alt: "A photo of mine" }} />
    </main>
  );
}
