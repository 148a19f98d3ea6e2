import { describe, expect, expectTypeOf, it } from "vitest";
import { fromImageKitFields, toImageKitFields } from "../src/to-imagekit-fields";
import {
  type AITask,
  type Extension,
  type ExtensionConfig,
  type UploadOptions,
  uploadOptionsSchema,
} from "../src/upload-options";

const every: UploadOptions = {
  fileName: "photo.jpg",
  useUniqueFileName: false,
  tags: ["summer", "dress"],
  folder: "users//42",
  isPrivateFile: true,
  isPublished: false,
  customCoordinates: { x: 10, y: 10, width: 100, height: 100 },
  responseFields: ["tags", "customMetadata", "embeddedMetadata", "selectedFieldsSchema"],
  extensions: [
    { name: "remove-bg", options: { add_shadow: true, bg_color: "green" } },
    { name: "google-auto-tagging", maxTags: 5, minConfidence: 95 },
    { name: "ai-auto-description" },
    {
      name: "ai-tasks",
      tasks: [
        {
          type: "select_tags",
          instruction: "What body style is this vehicle?",
          vocabulary: ["sedan", "suv", "hatchback"],
          max_selections: 1,
        },
        {
          type: "select_metadata",
          instruction: "What is the primary color?",
          field: "primary_color",
          vocabulary: ["red", "blue", "white", "black"],
          min_selections: 1,
          max_selections: 1,
        },
        {
          type: "yes_no",
          instruction: "Is the product completely visible?",
          on_yes: { add_tags: ["framing_ok"], set_metadata: [{ field: "qc", value: true }] },
          on_no: { add_tags: ["needs_reshot"], remove_tags: ["framing_ok"] },
          on_unknown: { unset_metadata: [{ field: "qc" }] },
        },
      ],
    },
    { name: "saved-extension", id: "ext_abc123" },
  ],
  webhookUrl: "https://example.com/hooks/imagekit",
  overwriteFile: false,
  overwriteAITags: false,
  overwriteTags: true,
  overwriteCustomMetadata: false,
  customMetadata: { brand: "Nike", price: 12.5, onSale: true, sizes: ["S", "M"] },
  transformation: {
    pre: "w-300,h-300,q-80",
    post: [
      { type: "transformation", value: "w-100" },
      { type: "gif-to-video", value: "q-80" },
      { type: "thumbnail" },
      { type: "abs", value: "sr-240_360_480", protocol: "hls" },
    ],
  },
  checks: '"file.size" < "1mb"',
  description: "A summer dress",
};

describe("upload options", () => {
  it("serialise the way ImageKit's SDKs do", () => {
    const fields = toImageKitFields(uploadOptionsSchema.parse(every));
    expect(fields).toEqual({
      fileName: "photo.jpg",
      useUniqueFileName: "false",
      tags: "summer,dress",
      folder: "/users/42/",
      isPrivateFile: "true",
      isPublished: "false",
      customCoordinates: "10,10,100,100",
      responseFields: "tags,customMetadata,embeddedMetadata,selectedFieldsSchema",
      extensions: JSON.stringify(every.extensions),
      webhookUrl: "https://example.com/hooks/imagekit",
      overwriteFile: "false",
      overwriteAITags: "false",
      overwriteTags: "true",
      overwriteCustomMetadata: "false",
      customMetadata: JSON.stringify(every.customMetadata),
      transformation: JSON.stringify(every.transformation),
      checks: '"file.size" < "1mb"',
      description: "A summer dress",
    });
    for (const value of Object.values(fields)) expect(typeof value).toBe("string");
  });

  it("round-trip: the fields (and so a v2 JWT's claims) read back as the same options", () => {
    const parsed = uploadOptionsSchema.parse(every);
    expect(fromImageKitFields(toImageKitFields(parsed))).toEqual(parsed);
  });

  it("enforce ImageKit's documented rules with clear messages", () => {
    const bad: [UploadOptions, RegExp][] = [
      [{ tags: ["50%off"] }, /tags may not contain %/],
      [{ tags: ["a".repeat(300), "b".repeat(201)] }, /at most 500 characters/],
      [{ tags: ["a,b"] }, /may not contain a comma/],
      [{ folder: "bad folder!" }, /folder may contain only/],
      [{ folder: Array(51).fill("f").join("/") }, /at most 50 levels/],
      [{ transformation: {} }, /needs pre, post or both/],
      [
        { transformation: { post: [{ type: "abs", value: "sr-240" } as never] } },
        /protocol|Invalid/i,
      ],
      [
        { extensions: [{ name: "google-auto-tagging", maxTags: 0, minConfidence: 50 }] },
        /Too small|>0|positive/i,
      ],
      [{ extensions: [{ name: "ai-tasks", tasks: [] }] }, /ai-tasks needs a task/],
      [
        {
          extensions: [
            { name: "ai-tasks", tasks: Array(11).fill({ type: "select_tags", instruction: "T?" }) },
          ],
        },
        /at most 10 tasks/,
      ],
      [
        { extensions: [{ name: "ai-tasks", tasks: [{ type: "yes_no", instruction: "Blue?" }] }] },
        /needs on_yes, on_no or both/,
      ],
      [
        {
          extensions: [
            {
              name: "ai-tasks",
              tasks: [{ type: "select_tags", instruction: "T?", vocabulary: ["50%"] }],
            },
          ],
        },
        /may not contain , or %/,
      ],
      [
        {
          extensions: [
            {
              name: "ai-tasks",
              tasks: [{ type: "select_tags", instruction: "T?", vocabulary: ["a".repeat(501)] }],
            },
          ],
        },
        /at most 500 characters/,
      ],
      [
        {
          extensions: [
            {
              name: "ai-tasks",
              tasks: [
                { type: "select_tags", instruction: "T?", min_selections: 3, max_selections: 1 },
              ],
            },
          ],
        },
        /min_selections may not exceed max_selections/,
      ],
      [
        {
          extensions: [
            { name: "ai-tasks", tasks: [{ type: "select_metadata", instruction: "C?" } as never] },
          ],
        },
        /field|Invalid input/i,
      ],
      [
        { extensions: [{ name: "ai-tasks", tasks: [{ type: "select_tags", instruction: " " }] }] },
        /needs an instruction/,
      ],
      [{ extensions: [{ name: "saved-extension", id: "" }] }, /Too small|>=1/i],
      [{ webhookUrl: "ftp://x" }, /Invalid URL/i],
      [{ responseFields: ["secrets" as never] }, /Invalid option|expected one of/i],
    ];
    for (const [options, message] of bad) {
      const result = uploadOptionsSchema.safeParse(options);
      expect(result.success, JSON.stringify(options)).toBe(false);
      expect(result.error?.message).toMatch(message);
    }
  });

  it("are typed the way TypeScript users write them", () => {
    expectTypeOf<UploadOptions["tags"]>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<NonNullable<UploadOptions["transformation"]>["post"]>().toExtend<
      | (
          | { type: "transformation"; value: string }
          | { type: "abs"; value: string; protocol: "hls" | "dash" }
          | { type: "thumbnail"; value?: string }
          | { type: "gif-to-video"; value?: string }
        )[]
      | undefined
    >();
    // @ts-expect-error: abs needs its protocol
    const abs: UploadOptions = { transformation: { post: [{ type: "abs", value: "sr-240" }] } };
    expect(abs).toBeDefined();
    expectTypeOf<Extension["name"]>().toEqualTypeOf<
      | "remove-bg"
      | "google-auto-tagging"
      | "aws-auto-tagging"
      | "ai-auto-description"
      | "ai-tasks"
      | "saved-extension"
    >();
    expectTypeOf<AITask["type"]>().toEqualTypeOf<"select_tags" | "select_metadata" | "yes_no">();
    // A saved extension holds any extension but another saved-extension.
    expectTypeOf<ExtensionConfig["name"]>().toEqualTypeOf<
      Exclude<Extension["name"], "saved-extension">
    >();
    // @ts-expect-error: select_metadata names its field
    const noField: AITask = { type: "select_metadata", instruction: "Colour?" };
    expect(noField).toBeDefined();
  });
});

describe("upload results", () => {
  it("parse ImageKit's response leniently and keep fields it adds later", async () => {
    const { uploadResultSchema } = await import("../src/upload-result");
    const result = uploadResultSchema.parse({
      fileId: "598821f949c0a938d57563bd",
      name: "file1.jpg",
      url: "https://ik.imagekit.io/your_imagekit_id/images/products/file1.jpg",
      thumbnailUrl:
        "https://ik.imagekit.io/your_imagekit_id/tr:n-media_library_thumbnail/images/products/file1.jpg",
      height: 300,
      width: 200,
      size: 83622,
      filePath: "/images/products/file1.jpg",
      tags: ["t-shirt", "round-neck", "sale2019"],
      AITags: [{ name: "Shirt", confidence: 90.12, source: "google-auto-tagging" }],
      versionInfo: { id: "598821f949c0a938d57563bd", name: "Version 1" },
      isPrivateFile: false,
      customCoordinates: null,
      customMetadata: { brand: "Nike", color: "red" },
      extensionStatus: { "google-auto-tagging": "success", "aws-auto-tagging": "pending" },
      fileType: "image",
      somethingNew: { added: "later" },
    });
    expect(result.somethingNew).toEqual({ added: "later" });
    expectTypeOf(result.fileId).toEqualTypeOf<string>();
    expectTypeOf(result.tags).toEqualTypeOf<string[] | null | undefined>();
    expect(() => uploadResultSchema.parse({ name: "no id" })).toThrow();
  });

  it("type extensionStatus and selectedFieldsSchema as ImageKit's SDK does, without failing on what is new", async () => {
    const { uploadResultSchema } = await import("../src/upload-result");
    const base = {
      fileId: "598821f949c0a938d57563bd",
      name: "a.jpg",
      url: "https://ik.imagekit.io/demo/a.jpg",
      size: 1,
      filePath: "/a.jpg",
      fileType: "image",
    };
    const result = uploadResultSchema.parse({
      ...base,
      extensionStatus: { "ai-tasks": "success", "remove-bg": "pending", "new-extension": "queued" },
      selectedFieldsSchema: {
        price: {
          type: "Number",
          minValue: 1,
          maxValue: 1000,
          isValueRequired: true,
          defaultValue: 10,
        },
        size: { type: "SingleSelect", selectOptions: ["S", "M"], selectOptionsTruncated: false },
        later: { type: "Location", radius: 5 },
      },
    });
    expect(result.extensionStatus?.["ai-tasks"]).toBe("success");
    expect(result.selectedFieldsSchema?.size?.selectOptions).toEqual(["S", "M"]);
    expect(result.selectedFieldsSchema?.later).toEqual({ type: "Location", radius: 5 });
    expectTypeOf<NonNullable<typeof result.extensionStatus>["ai-tasks"]>().toExtend<
      string | undefined
    >();
    expectTypeOf<"SingleSelect">().toExtend<
      NonNullable<typeof result.selectedFieldsSchema>[string]["type"]
    >();
    expect(() =>
      uploadResultSchema.parse({
        ...base,
        selectedFieldsSchema: { broken: { selectOptions: [] } },
      }),
    ).toThrow();
  });
});
