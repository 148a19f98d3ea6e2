import { SignIn } from "./sign-in";
import styles from "./site-header.module.css";

/** The product's name, and who is signed in: their name as they wrote it, and a way out. */
export function SiteHeader({ user }: { user: string | undefined }) {
  return (
    <header className={styles.header}>
      <div className={styles.inner}>
        <div className={styles.brand}>
          <Logo />
          <span>upkit</span>
          <span className={styles.badge}>demo</span>
        </div>
        <SignIn user={user} />
      </div>
    </header>
  );
}

function Logo() {
  return (
    <svg className={styles.logo} viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
      <rect x="1" y="1" width="22" height="22" rx="6" fill="currentColor" />
      <path
        d="M12 17V7m0 0l-4 4m4-4l4 4"
        fill="none"
        style={{ stroke: "var(--demo-accent-contrast)" }}
        strokeWidth="2.25"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
