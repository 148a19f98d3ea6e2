"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/** The demo's sign-in: a name in a cookie, so that `authorize` has someone to allow. */
export function SignIn({ user }: { user: string | undefined }) {
  const router = useRouter();
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
    router.refresh();
  }

  if (user) {
    return (
      <p>
        Signed in as <strong>{user}</strong>{" "}
        <button type="button" onClick={() => send("DELETE")}>
          Sign out
        </button>
      </p>
    );
  }
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void send("POST");
      }}
    >
      <label>
        Your name <input value={name} onChange={(event) => setName(event.target.value)} required />
      </label>{" "}
      <button type="submit">Sign in</button>
      {error ? <span role="alert"> {error}</span> : null}
    </form>
  );
}
