"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import styles from "./site-header.module.css";

/**
 * The demo's sign-in: a display name in a cookie, so that `authorize` has someone to allow. The
 * server checks the name (`checkDisplayName`) and says what is wrong with it.
 */
export function SignIn({ user }: { user: string | undefined }) {
  const router = useRouter();
  const id = useId();
  const [name, setName] = useState("");
  const [error, setError] = useState<string>();

  async function send(method: "POST" | "DELETE") {
    const response = await fetch("/api/session", {
      method,
      headers: { "content-type": "application/json" },
      body: method === "POST" ? JSON.stringify({ name }) : undefined,
    });
    if (!response.ok) {
      setError(((await response.json()) as { error: { message: string } }).error.message);
      return;
    }
    setError(undefined);
    setName("");
    router.refresh();
  }

  if (user) {
    return (
      <div className={styles.account}>
        <span className={styles.initial} aria-hidden="true">
          {Array.from(user)[0]?.toLocaleUpperCase()}
        </span>
        <span className={styles.who}>
          Signed in as <strong>{user}</strong>
        </span>
        <button type="button" className={styles.button} onClick={() => send("DELETE")}>
          Sign out
        </button>
      </div>
    );
  }
  return (
    <form
      className={styles.form}
      onSubmit={(event) => {
        event.preventDefault();
        void send("POST");
      }}
    >
      <label htmlFor={`${id}-name`}>Your name</label>
      <input
        id={`${id}-name`}
        value={name}
        onChange={(event) => setName(event.target.value)}
        placeholder="Jane Doe"
        autoComplete="name"
        aria-describedby={error ? `${id}-error` : undefined}
        required
      />
      <button type="submit" className={`${styles.button} ${styles.primary}`}>
        Sign in
      </button>
      {error ? (
        <p id={`${id}-error`} role="alert" className={styles.error}>
          {error}
        </p>
      ) : null}
    </form>
  );
}
