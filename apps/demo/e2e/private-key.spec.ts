import { expect, type Response, test } from "@playwright/test";
import { chooseFiles, pdf, png, section, signIn } from "./support";

const PRIVATE_KEY = "private_emulator_key";

test("no response the browser receives holds the private key, through every profile", async ({
  page,
}) => {
  // Headers and bodies of everything the page receives: pages, scripts, the route's answers
  // (config, sign, complete, proxy, status), ImageKit's (the emulator's) and the files API.
  const received: Promise<{ url: string; text: string }>[] = [];
  page.on("response", (response: Response) => {
    received.push(
      (async () => {
        const headers = JSON.stringify(await response.allHeaders());
        const body = await response.body().catch(() => Buffer.alloc(0));
        return { url: response.url(), text: `${headers}\n${body.toString("latin1")}` };
      })(),
    );
  });

  await signIn(page, "keeper");
  await page.goto("/");
  const uploads = [
    { section: /Avatar/, file: { name: "face.png", mimeType: "image/png", buffer: png } },
    { section: /Gallery/, file: { name: "view.png", mimeType: "image/png", buffer: png } },
    { section: /Documents/, file: { name: "notes.pdf", mimeType: "application/pdf", buffer: pdf } },
  ];
  for (const upload of uploads) {
    const uploader = section(page, upload.section);
    await chooseFiles(uploader, upload.file);
    await expect(uploader.getByText("Uploaded", { exact: true })).toBeVisible();
  }
  await expect(page.getByRole("list", { name: "Gallery" }).getByText(/^view_/)).toBeVisible();

  const responses = await Promise.all(received);
  expect(responses.length).toBeGreaterThan(10);
  expect(responses.map((response) => response.url)).toContainEqual(
    expect.stringMatching(/\/api\/upload\/gallery\/sign$/),
  );
  for (const response of responses) {
    expect(response.text, response.url).not.toContain(PRIVATE_KEY);
  }
});
