"use client";

import { useId } from "react";
import type { GalleryInput } from "../../lib/gallery-input";
import styles from "./gallery.module.css";

/** What the form holds, as typed: `toGalleryInput` turns it into the profile's input. */
export interface GalleryDetails {
  tags: string;
  caption: string;
  rating: string;
}

export const NO_GALLERY_DETAILS: GalleryDetails = { tags: "", caption: "", rating: "" };

/** The profile's typed `input` from the form: tags split at commas, empty values left out. */
export function toGalleryInput(details: GalleryDetails): GalleryInput {
  const tags = details.tags
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
  const caption = details.caption.trim();
  return {
    tags: [...new Set(tags)],
    ...(caption ? { caption } : {}),
    ...(details.rating ? { rating: Number(details.rating) } : {}),
  };
}

/**
 * Tags and custom metadata for the next gallery uploads. Not submitted on its own: the uploader
 * sends what it holds with each file, and the server checks it against the profile's schema.
 */
export function GalleryDetailsForm({
  value,
  onChange,
}: {
  value: GalleryDetails;
  onChange: (value: GalleryDetails) => void;
}) {
  const id = useId();
  const set = (key: keyof GalleryDetails) => (event: { target: { value: string } }) =>
    onChange({ ...value, [key]: event.target.value });
  return (
    <fieldset className={styles.form}>
      <legend>Details for the next uploads</legend>
      <div className={styles.field}>
        <label htmlFor={`${id}-tags`}>Tags</label>
        <input
          id={`${id}-tags`}
          name="tags"
          value={value.tags}
          onChange={set("tags")}
          placeholder="sunset, beach"
          aria-describedby={`${id}-tags-hint`}
          autoComplete="off"
        />
        <span id={`${id}-tags-hint`} className={styles.hint}>
          Comma separated, up to 10
        </span>
      </div>
      <div className={styles.field}>
        <label htmlFor={`${id}-caption`}>Caption</label>
        <input
          id={`${id}-caption`}
          name="caption"
          value={value.caption}
          onChange={set("caption")}
          maxLength={200}
          autoComplete="off"
        />
      </div>
      <div className={styles.field}>
        <label htmlFor={`${id}-rating`}>Rating</label>
        <select id={`${id}-rating`} name="rating" value={value.rating} onChange={set("rating")}>
          <option value="">No rating</option>
          {[1, 2, 3, 4, 5].map((stars) => (
            <option key={stars} value={stars}>
              {stars} of 5
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}
