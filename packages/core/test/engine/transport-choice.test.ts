import { describe, expect, it } from "vitest";
import { createUploader } from "../../src/engine/create-uploader";
import { TUS_THRESHOLD_BYTES } from "../../src/engine/defaults";
import type { Transport } from "../../src/protocol";
import { createFakeTransport, makeFile } from "./fakes";

function setUp(allowed: Transport[], transport?: Transport | "auto", withTus = true) {
  const fakes = {
    direct: createFakeTransport("direct"),
    proxy: createFakeTransport("proxy"),
    tus: createFakeTransport("tus", true),
  };
  const uploader = createUploader({
    profile: "photos",
    config: { restrictions: {}, transports: allowed },
    ...(transport ? { transport } : {}),
    transports: {
      direct: fakes.direct.transport,
      proxy: fakes.proxy.transport,
      ...(withTus ? { tus: fakes.tus.transport } : {}),
    },
  });
  const used = () => uploader.getSnapshot().files.map((file) => file.transport);
  return { uploader, fakes, used };
}

const small = () => makeFile("small.png", 1000);
const large = () => makeFile("large.mp4", TUS_THRESHOLD_BYTES);

describe("transport choice", () => {
  it("auto: direct when the profile allows it", async () => {
    const { uploader, fakes, used } = setUp(["proxy", "direct"]);
    await uploader.addFiles([small(), large()]);
    expect(used()).toEqual(["direct", "direct"]);
    expect(fakes.direct.calls).toHaveLength(2);
  });

  it("auto: proxy when direct is not allowed", async () => {
    const { uploader, fakes, used } = setUp(["proxy"]);
    await uploader.addFiles([small()]);
    expect(used()).toEqual(["proxy"]);
    expect(fakes.proxy.calls).toHaveLength(1);
  });

  it("auto: tus for large files when allowed and supplied", async () => {
    const { uploader, used } = setUp(["direct", "tus"]);
    await uploader.addFiles([small(), large()]);
    expect(used()).toEqual(["direct", "tus"]);
  });

  it("auto: the built-in tus transport for large files when none is supplied", async () => {
    const { uploader, used } = setUp(["direct", "tus"], "auto", false);
    await uploader.addFiles([large()]);
    expect(used()).toEqual(["tus"]);
    // Nothing listens at the default endpoint: stop the upload rather than let it retry.
    uploader.destroy();
  });

  it("a forced transport the profile does not allow fails the file with forbidden", async () => {
    const { uploader, fakes } = setUp(["direct"], "proxy");
    const [file] = await uploader.addFiles([small()]);
    expect(file).toMatchObject({ status: "error", error: { code: "forbidden" } });
    expect(file?.error?.message).toMatch(/"proxy".*not allowed.*direct/);
    expect(fakes.proxy.calls).toHaveLength(0);
  });

  it("a forced transport that is allowed is used for every file", async () => {
    const { uploader, used } = setUp(["direct", "proxy"], "proxy");
    await uploader.addFiles([small(), large()]);
    expect(used()).toEqual(["proxy", "proxy"]);
  });

  it("a profile allowing only tus uses the built-in tus transport, even for small files", async () => {
    const { uploader, used } = setUp(["tus"], "auto", false);
    await uploader.addFiles([small()]);
    expect(used()).toEqual(["tus"]);
    uploader.destroy();
  });

  it("uses the built-in transports when none are supplied", () => {
    const uploader = createUploader({
      profile: "p",
      config: { restrictions: {}, transports: ["direct"] },
    });
    expect(uploader.getSnapshot().files).toEqual([]);
  });
});
