/**
 * The `ai-tasks` extension over HTTP: its documented options (`@imagekit/nodejs` 7.11
 * `Shared.Extensions.AITasks`; ImageKit's "AI Tasks" skill for the limits) and the emulator's
 * deterministic stand-in, which answers from the image's dominant colour, format, transparency
 * and orientation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blob, jpeg, png } from "../support/images";
import { api, startEmulator, type TestEmulator, upload } from "../support/start-emulator";

const HELP = "For support kindly contact us at support@imagekit.io .";
const INVALID = { message: "Your request contains invalid extensions parameter.", help: HELP };

let emulator: TestEmulator;
/** A blue JPEG, 80 x 60: facts blue, jpeg (jpg), opaque, landscape. */
let blueJpeg: Buffer;
/** A red PNG with alpha, 30 x 60: facts red, png, transparent, portrait. */
let redPng: Buffer;

beforeAll(async () => {
  emulator = await startEmulator();
  blueJpeg = await jpeg(80, 60);
  redPng = await png(30, 60);
  const fields = [
    {
      name: "colour",
      label: "Colour",
      schema: { type: "SingleSelect", selectOptions: ["red", "green", "blue"] },
    },
    {
      name: "palette",
      label: "Palette",
      schema: { type: "MultiSelect", selectOptions: ["red", "blue", "white", "black"] },
    },
    { name: "qc", label: "QC", schema: { type: "Text" } },
    { name: "short", label: "Short", schema: { type: "Text", maxLength: 2 } },
    { name: "approved", label: "Approved", schema: { type: "Boolean" } },
    { name: "pixels", label: "Pixels", schema: { type: "Number" } },
  ];
  for (const field of fields) {
    const res = await api(emulator, "/v1/customMetadataFields", {
      method: "POST",
      body: JSON.stringify(field),
    });
    expect(res.status).toBe(201);
  }
});
afterAll(() => emulator?.dispose());

const fileCount = async () => ((await api(emulator, "/v1/files")).body as unknown[]).length;

async function withTasks(file: Buffer, tasks: unknown[], fields: Record<string, string> = {}) {
  const res = await upload(emulator, {
    file: blob(file),
    fileName: file === blueJpeg ? "car.jpg" : "dress.png",
    extensions: JSON.stringify([{ name: "ai-tasks", tasks }]),
    responseFields: "tags,customMetadata",
    ...fields,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe("select_tags", () => {
  it("adds the vocabulary items that name the image, after the request's tags, and reports success", async () => {
    const body = await withTasks(
      blueJpeg,
      [
        {
          type: "select_tags",
          instruction: "What colour and format is this?",
          vocabulary: ["sedan", "blue", "jpg", "red"],
          max_selections: 3,
        },
      ],
      { tags: "car" },
    );
    expect(body.extensionStatus).toEqual({ "ai-tasks": "success" });
    expect(body.tags).toEqual(["car", "blue", "jpg"]);
    // AI tasks write tags, not AITags.
    expect(body.AITags).toBeNull();
    const details = await api(emulator, `/v1/files/${body.fileId}/details`);
    expect(details.body.tags).toEqual(["car", "blue", "jpg"]);
  });

  it("picks the first item when none names the image; pads to min_selections; cuts to max_selections", async () => {
    const none = await withTasks(blueJpeg, [
      { type: "select_tags", instruction: "Body style?", vocabulary: ["sedan", "suv"] },
    ]);
    expect(none.tags).toEqual(["sedan"]);
    const padded = await withTasks(blueJpeg, [
      {
        type: "select_tags",
        instruction: "Tags?",
        vocabulary: ["sedan", "blue", "suv"],
        min_selections: 2,
      },
    ]);
    expect(padded.tags).toEqual(["blue", "sedan"]);
    const cut = await withTasks(blueJpeg, [
      {
        type: "select_tags",
        instruction: "Tags?",
        vocabulary: ["blue", "jpeg", "opaque"],
        max_selections: 1,
      },
    ]);
    expect(cut.tags).toEqual(["blue"]);
  });

  it("without a vocabulary, tags with the image's facts", async () => {
    const body = await withTasks(redPng, [
      { type: "select_tags", instruction: "Describe it", max_selections: 4 },
    ]);
    expect(body.tags).toEqual(["red", "png", "transparent", "portrait"]);
  });
});

describe("select_metadata", () => {
  it("sets a SingleSelect from its selectOptions and a MultiSelect from a vocabulary, merged into the request's customMetadata", async () => {
    const body = await withTasks(
      blueJpeg,
      [
        { type: "select_metadata", instruction: "Main colour?", field: "colour" },
        {
          type: "select_metadata",
          instruction: "Colours?",
          field: "palette",
          vocabulary: ["white", "blue", "black"],
          min_selections: 2,
        },
      ],
      { customMetadata: JSON.stringify({ qc: "pending" }) },
    );
    expect(body.extensionStatus).toEqual({ "ai-tasks": "success" });
    expect(body.customMetadata).toEqual({
      qc: "pending",
      colour: "blue",
      palette: ["blue", "white"],
    });
  });

  it("without a vocabulary: Text gets a fact, Number the width, Boolean the yes/no answer", async () => {
    const body = await withTasks(blueJpeg, [
      { type: "select_metadata", instruction: "Colour?", field: "qc", max_selections: 1 },
      { type: "select_metadata", instruction: "Width?", field: "pixels" },
      { type: "select_metadata", instruction: "Is it blue?", field: "approved" },
    ]);
    expect(body.customMetadata).toEqual({ qc: "blue", pixels: 80, approved: true });
  });

  it("a result its field refuses fails the extension, and nothing of it is applied", async () => {
    const body = await withTasks(
      blueJpeg,
      [
        { type: "select_tags", instruction: "Colour?", vocabulary: ["blue"] },
        // "blue" is longer than the field's maxLength of 2.
        { type: "select_metadata", instruction: "Colour?", field: "short" },
      ],
      { tags: "kept" },
    );
    expect(body.extensionStatus).toEqual({ "ai-tasks": "failed" });
    expect(body.tags).toEqual(["kept"]);
    expect(body.customMetadata).toEqual({});
  });
});

describe("yes_no", () => {
  const check = {
    type: "yes_no",
    instruction: "Is the background blue?",
    on_yes: { add_tags: ["blue-ok"], set_metadata: [{ field: "approved", value: true }] },
    on_no: {
      add_tags: ["needs-review"],
      remove_tags: ["draft"],
      unset_metadata: [{ field: "qc" }],
    },
    on_unknown: { add_tags: ["unsure"] },
  };

  it("yes when every fact the question names holds", async () => {
    const body = await withTasks(blueJpeg, [check]);
    expect(body.tags).toEqual(["blue-ok"]);
    expect(body.customMetadata).toEqual({ approved: true });
  });

  it("no when one does not: on_no's actions", async () => {
    const body = await withTasks(redPng, [check], {
      tags: "draft,dress",
      customMetadata: JSON.stringify({ qc: "x" }),
    });
    expect(body.tags).toEqual(["dress", "needs-review"]);
    expect(body.customMetadata).toEqual({});
  });

  it("unknown when it names none", async () => {
    const body = await withTasks(blueJpeg, [{ ...check, instruction: "Is there a person?" }]);
    expect(body.tags).toEqual(["unsure"]);
  });

  it("tasks run in order, each seeing the previous ones' changes", async () => {
    const body = await withTasks(blueJpeg, [
      { type: "select_tags", instruction: "Colour?", vocabulary: ["blue"] },
      {
        type: "yes_no",
        instruction: "Is it a landscape jpg?",
        on_yes: { remove_tags: ["blue"], add_tags: ["wide"] },
        on_no: { add_tags: ["narrow"] },
      },
    ]);
    expect(body.tags).toEqual(["wide"]);
  });
});

describe("what ai-tasks refuses or cannot do", () => {
  const image = (tasks: unknown) => ({
    file: blob(blueJpeg),
    fileName: "bad.jpg",
    extensions: JSON.stringify([{ name: "ai-tasks", tasks }]),
  });

  it.each([
    ["no tasks", []],
    ["more than 10 tasks", Array(11).fill({ type: "select_tags", instruction: "Tags?" })],
    ["an unknown task type", [{ type: "describe", instruction: "Describe" }]],
    ["no instruction", [{ type: "select_tags", vocabulary: ["a"] }]],
    ["a tag with %", [{ type: "select_tags", instruction: "Tags?", vocabulary: ["50%"] }]],
    [
      "a vocabulary over 500 characters",
      [{ type: "select_tags", instruction: "T?", vocabulary: ["a".repeat(300), "b".repeat(201)] }],
    ],
    [
      "min_selections over max_selections",
      [{ type: "select_tags", instruction: "T?", min_selections: 3, max_selections: 2 }],
    ],
    ["select_metadata without a field", [{ type: "select_metadata", instruction: "Colour?" }]],
    [
      "a field that does not exist",
      [{ type: "select_metadata", instruction: "Colour?", field: "nope" }],
    ],
    [
      "a vocabulary value the field cannot hold",
      [
        {
          type: "select_metadata",
          instruction: "Colour?",
          field: "colour",
          vocabulary: ["purple"],
        },
      ],
    ],
    [
      "yes_no without on_yes or on_no",
      [{ type: "yes_no", instruction: "Blue?", on_unknown: { add_tags: ["x"] } }],
    ],
    [
      "set_metadata on a field that does not exist",
      [
        {
          type: "yes_no",
          instruction: "Blue?",
          on_yes: { set_metadata: [{ field: "nope", value: 1 }] },
        },
      ],
    ],
    [
      "set_metadata with a value its field refuses",
      [
        {
          type: "yes_no",
          instruction: "Blue?",
          on_yes: { set_metadata: [{ field: "colour", value: "purple" }] },
        },
      ],
    ],
  ])("%s: 400, nothing stored", async (_name, tasks) => {
    const before = await fileCount();
    const res = await upload(emulator, image(tasks));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(INVALID);
    expect(await fileCount()).toBe(before);
  });

  it("on a file that is not an image it fails, and the upload succeeds unchanged", async () => {
    const res = await upload(emulator, {
      file: blob(Buffer.from("just text")),
      fileName: "notes.txt",
      tags: "doc",
      extensions: JSON.stringify([
        {
          name: "ai-tasks",
          tasks: [{ type: "select_tags", instruction: "Tags?", vocabulary: ["x"] }],
        },
      ]),
      responseFields: "tags",
    });
    expect(res.status).toBe(200);
    expect(res.body.extensionStatus).toEqual({ "ai-tasks": "failed" });
    expect(res.body.tags).toEqual(["doc"]);
  });
});
