"use client";
// react-dropzone's useDropzone alone, as in its README: a drop target, no upload.
import { useCallback } from "react";
import { useDropzone } from "react-dropzone";

export default function ReactDropzonePage() {
  const onDrop = useCallback((files: File[]) => console.log(files), []);
  const { getRootProps, getInputProps, isDragActive } = useDropzone({ onDrop });
  return (
    <main>
      <h1>Upload</h1>
      <div {...getRootProps()}>
        <input {...getInputProps()} />
        {isDragActive ? <p>Drop the files here ...</p> : <p>Drag 'n' drop some files here</p>}
      </div>
    </main>
  );
}
