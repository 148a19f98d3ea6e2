"use client";
// react-uploady's drop zone, as in its README.
import UploadDropZone from "@rpldy/upload-drop-zone";
import Uploady from "@rpldy/uploady";

export default function UploadyPage() {
  return (
    <main>
      <h1>Upload</h1>
      <Uploady destination={{ url: "/api/upload" }}>
        <UploadDropZone onDragOverClassName="drag-over">
          <span>Drag&Drop File(s) Here</span>
        </UploadDropZone>
      </Uploady>
    </main>
  );
}
