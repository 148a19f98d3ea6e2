"use client";
// Uppy's Dashboard with tus uploads, as in Uppy's React docs.
import "@uppy/core/css/style.min.css";
import "@uppy/dashboard/css/style.min.css";
import Uppy from "@uppy/core";
import Dashboard from "@uppy/react/dashboard";
import Tus from "@uppy/tus";
import { useState } from "react";

export default function UppyPage() {
  const [uppy] = useState(() => new Uppy().use(Tus, { endpoint: "/api/tus" }));
  return (
    <main>
      <h1>Upload</h1>
      <Dashboard uppy={uppy} />
    </main>
  );
}
