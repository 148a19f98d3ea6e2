import { describe, expect, it } from "vitest";
import { checkDisplayName } from "../lib/display-name";
import { folderSlug, MAX_SLUG_LENGTH } from "../lib/folder-slug";

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

describe("folderSlug", () => {
  it("keeps a name that is already a slug", () => {
    expect(folderSlug("ada")).toBe("ada");
    expect(folderSlug("jane-doe")).toBe("jane-doe");
    expect(folderSlug("user42")).toBe("user42");
  });

  it("spells a name out in ASCII, with a hash of the name when something was lost", () => {
    expect(folderSlug("Jane Doe")).toMatch(/^jane-doe-[0-9a-f]{6}$/);
    expect(folderSlug("Zoë Ångström-李")).toMatch(/^zoe-angstrom-[0-9a-f]{6}$/);
    expect(folderSlug("Seán O'Brien")).toMatch(/^sean-o-brien-[0-9a-f]{6}$/);
    expect(folderSlug("Jürgen Straße")).toMatch(/^jurgen-strasse-[0-9a-f]{6}$/);
    expect(folderSlug("Łukasz Ørsted")).toMatch(/^lukasz-orsted-[0-9a-f]{6}$/);
    expect(folderSlug("ＡＢＣ")).toMatch(/^abc-[0-9a-f]{6}$/);
  });

  it("names a user by a hash alone when nothing of the name is left", () => {
    expect(folderSlug("李雷")).toMatch(/^user-[0-9a-f]{6}$/);
    expect(folderSlug("Δημήτρης")).toMatch(/^user-[0-9a-f]{6}$/);
    expect(folderSlug("李雷")).not.toBe(folderSlug("韩梅梅"));
  });

  it("is stable: the same name, however it is composed, gives the same folder", () => {
    expect(folderSlug("Jane Doe")).toBe(folderSlug("Jane Doe"));
    expect(folderSlug("Zo\u00eb")).toBe(folderSlug("Zoe\u0308"));
    // Pinned: a change here moves every user's files.
    expect(folderSlug("Jane Doe")).toBe("jane-doe-01332c");
    expect(folderSlug("李雷")).toBe("user-3a4732");
  });

  it("keeps names that differ only in what the slug drops apart", () => {
    const names = ["Jane Doe", "jane doe", "Jane-Doe", "Jane.Doe", "jane-doe", "Jane  Doe!"];
    const slugs = names.map(folderSlug);
    expect(new Set(slugs).size).toBe(names.length);
    expect(folderSlug("Zoë")).not.toBe(folderSlug("Zoe"));
    expect(folderSlug("Zoë")).not.toBe("zoe");
  });

  it("gives a name typed like a hashed slug a hash of its own", () => {
    const slug = folderSlug("李雷");
    expect(folderSlug(slug)).not.toBe(slug);
    expect(folderSlug(slug)).toMatch(new RegExp(`^${slug}-[0-9a-f]{6}$`));
  });

  it("stays within 32 characters of a-z, 0-9 and single hyphens", () => {
    const names = [
      "a".repeat(64),
      "a".repeat(32),
      "a".repeat(33),
      "Maria-Magdalena von und zu Liechtenstein-Hohenzollern",
      "a-----b",
      "-a-",
      "...",
      "'",
      `${"x".repeat(25)} y`,
    ];
    for (const name of names) {
      expect(checkDisplayName(name)).toMatchObject({ ok: true });
      const slug = folderSlug(name);
      expect(slug, name).toMatch(SLUG);
      expect(slug.length, name).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    }
    expect(folderSlug("a".repeat(32))).toBe("a".repeat(32));
    expect(folderSlug("a".repeat(33))).toMatch(/^a{25}-[0-9a-f]{6}$/);
    expect(folderSlug("a".repeat(33))).not.toBe(folderSlug("a".repeat(34)));
  });
});
