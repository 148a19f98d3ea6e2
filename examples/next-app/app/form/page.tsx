import { PhotoForm } from "../photo-form";

export default function FormPage() {
  return (
    <main>
      <h1>Photos, with a callback</h1>
      <PhotoForm />
    </main>
  );
}
