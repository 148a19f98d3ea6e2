import { describe, expect, it } from "vitest";
import { checkDisplayName } from "../lib/display-name";

describe("checkDisplayName", () => {
  it.each([
    ["Jane Doe", "Jane Doe"],
    ["Zoë Ångström-李", "Zoë Ångström-李"],
    ["李雷", "李雷"],
    ["Seán O'Brien", "Seán O'Brien"],
    ["D’Angelo", "D’Angelo"],
    ["J. R. R. Tolkien", "J. R. R. Tolkien"],
    ["Ørjan Bjørndal", "Ørjan Bjørndal"],
    ["Δημήτρης", "Δημήτρης"],
    ["Владимир", "Владимир"],
    ["محمد علي", "محمد علي"],
    ["देवनागरी", "देवनागरी"],
    ["ジョン・スミス", "ジョン・スミス"],
    ["ada", "ada"],
    ["user_42", "user_42"],
    ["x", "x"],
  ])("takes %j as written", (typed, name) => {
    expect(checkDisplayName(typed)).toEqual({ ok: true, name });
  });

  it("trims, makes runs of spaces one, and composes (NFC)", () => {
    expect(checkDisplayName("  Jane \u00a0  Doe \n")).toEqual({ ok: true, name: "Jane Doe" });
    const decomposed = "Zoe\u0308";
    expect(checkDisplayName(decomposed)).toEqual({ ok: true, name: "Zo\u00eb" });
  });

  it("takes 64 characters, counted as characters, not UTF-16 units", () => {
    expect(checkDisplayName("a".repeat(64))).toMatchObject({ ok: true });
    expect(checkDisplayName("𠀀".repeat(64))).toMatchObject({ ok: true });
    expect(checkDisplayName(`  ${"a".repeat(64)}  `)).toMatchObject({ ok: true });
    expect(checkDisplayName("a".repeat(65))).toEqual({
      ok: false,
      message: "Use at most 64 characters.",
    });
  });

  it.each([
    ["", "Enter your name."],
    ["   ", "Enter your name."],
    [undefined, "Enter your name."],
    [42, "Enter your name."],
    ["Jane\tDoe", "A name may not contain control characters (tabs, line breaks)."],
    ["Jane\nDoe", "A name may not contain control characters (tabs, line breaks)."],
    ["Jane\u0000", "A name may not contain control characters (tabs, line breaks)."],
    ["Jane\u202eeoD", "Use letters, digits, spaces, apostrophes, hyphens or dots."],
    ["Jane; Path=/", "Use letters, digits, spaces, apostrophes, hyphens or dots."],
    ["<script>", "Use letters, digits, spaces, apostrophes, hyphens or dots."],
    ["../../etc", "Use letters, digits, spaces, apostrophes, hyphens or dots."],
    ["Jane 😀", "Use letters, digits, spaces, apostrophes, hyphens or dots."],
    ["50%", "Use letters, digits, spaces, apostrophes, hyphens or dots."],
    ["a,b", "Use letters, digits, spaces, apostrophes, hyphens or dots."],
  ])("refuses %j", (typed, message) => {
    expect(checkDisplayName(typed)).toEqual({ ok: false, message });
  });
});
