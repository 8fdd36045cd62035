/**
 * Vitest global setup of the browser project: a real Chromium with no manual install.
 *
 * `@sparticuz/chromium` ships Chromium brotli-packed; it is unpacked once into a folder per
 * package version under node_modules/.cache (the package unpacks into `os.tmpdir()`, and reuses
 * any `/tmp/chromium` it finds, so TMPDIR points at our folder while it runs). Its bundled
 * Amazon Linux 2023 libraries (NSS and friends) go on LD_LIBRARY_PATH, and fonts come from a
 * fonts.conf written here: the package's Open Sans and the CJK font of `@embedpdf/fonts-sc`, so
 * Chinese pages render with a real CJK face on any machine. `CHROMIUM_PATH` uses a system
 * Chromium instead (still with these fonts, after the system's own).
 *
 * The folder is filled under a temporary name and renamed into place, so two runs at once (the
 * cache is shared by every checkout using this node_modules) never see half of it.
 */
import { spawn } from "node:child_process";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createBrotliDecompress } from "node:zlib";
import type { TestProject } from "vitest/node";

/** How the tests launch the browser (test/support/browser.ts). */
export interface ChromiumLaunch {
  executablePath: string;
  env: Record<string, string>;
}

declare module "vitest" {
  export interface ProvidedContext {
    chromium: ChromiumLaunch;
  }
}

const require = createRequire(import.meta.url);

export async function setup(project: TestProject): Promise<void> {
  const packageDir = packageRoot("@sparticuz/chromium");
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    version: string;
  };
  const cacheRoot = join(packageDir, "..", "..", ".cache");
  const folder = join(cacheRoot, `sparticuz-chromium-${version}`);
  const cjkFonts = join(packageRoot("@embedpdf/fonts-sc"), "fonts");
  const systemChromium = process.env.CHROMIUM_PATH;
  if (systemChromium) {
    const fontsConf = join(cacheRoot, "chromium-system-fonts.conf");
    mkdirSync(cacheRoot, { recursive: true });
    writeFileSync(fontsConf, fontConfig([cjkFonts], join(cacheRoot, "fontconfig-cache"), true));
    project.provide("chromium", {
      executablePath: systemChromium,
      env: { FONTCONFIG_FILE: fontsConf },
    });
    return;
  }
  if (!existsSync(join(folder, "ready"))) {
    await unpackInto(folder, packageDir, cjkFonts);
  }
  project.provide("chromium", {
    executablePath: join(folder, "chromium"),
    env: {
      LD_LIBRARY_PATH: [join(folder, "al2023", "lib"), process.env.LD_LIBRARY_PATH]
        .filter(Boolean)
        .join(":"),
      FONTCONFIG_FILE: join(folder, "fonts.conf"),
    },
  });
}

/** A package's folder, found from its entry point (neither exports its package.json). */
function packageRoot(name: string): string {
  let folder = dirname(require.resolve(name));
  while (
    !existsSync(join(folder, "package.json")) ||
    !folder.endsWith(join("node_modules", name))
  ) {
    const parent = dirname(folder);
    if (parent === folder) {
      throw new Error(`No folder of ${name} above ${require.resolve(name)}`);
    }
    folder = parent;
  }
  return folder;
}

async function unpackInto(folder: string, packageDir: string, cjkFonts: string): Promise<void> {
  const staging = `${folder}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const tmpdirBefore = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    const { default: chromium } = await import("@sparticuz/chromium");
    const executable = await chromium.executablePath();
    if (executable !== join(staging, "chromium")) {
      throw new Error(`@sparticuz/chromium unpacked to ${executable}, not into ${staging}`);
    }
  } finally {
    if (tmpdirBefore === undefined) {
      delete process.env.TMPDIR;
    } else {
      process.env.TMPDIR = tmpdirBefore;
    }
  }
  // The package unpacks these libraries only on Amazon Linux itself; elsewhere they are needed
  // just the same.
  const libraries = join(staging, "al2023");
  mkdirSync(libraries);
  await untarBrotli(join(packageDir, "bin", "al2023.tar.br"), libraries);
  writeFileSync(
    join(staging, "fonts.conf"),
    fontConfig([join(folder, "fonts"), cjkFonts], join(folder, "fontconfig-cache"), false),
  );
  writeFileSync(join(staging, "ready"), "");
  try {
    renameSync(staging, folder);
  } catch (error) {
    // Another run put its copy in place first: use that one.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(folder, "ready"))) {
      throw error;
    }
  }
}

function untarBrotli(archive: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn("tar", ["-x", "--no-same-owner", "-C", into], {
      stdio: ["pipe", "ignore", "inherit"],
    });
    tar.once("error", reject);
    tar.once("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`tar exited with ${code}`)),
    );
    createReadStream(archive).once("error", reject).pipe(createBrotliDecompress()).pipe(tar.stdin);
  });
}

function fontConfig(directories: string[], cacheDir: string, withSystem: boolean): string {
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    "<fontconfig>",
    ...(withSystem ? ['  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>'] : []),
    ...directories.map((directory) => `  <dir>${directory}</dir>`),
    `  <cachedir>${cacheDir}</cachedir>`,
    "</fontconfig>",
    "",
  ].join("\n");
}
