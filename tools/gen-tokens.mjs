#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Generates static/tokens.css from the Digital Agency Design System tokens
// (@digital-go-jp/design-tokens, pinned in package.json). The output is committed, so building
// gcas needs no npm; re-run after bumping the package:   npm ci && node tools/gen-tokens.mjs
// `node tools/gen-tokens.mjs --check` exits 1 when static/tokens.css is stale, or when
// static/gcas.css uses a custom property that tokens.css does not define.
//
// Three layers are written:
//   1. the package's own tokens we use, under their package names (--color-primitive-blue-900 …)
//   2. the few things the package does not ship (spacing scale, focus ring, measures), taken
//      from the design system's written guidance, marked as such;
//   3. semantic aliases (--gcas-*) that static/gcas.css uses, each defined as var() of layer 1/2,
//      so a colour decision is made once, here.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tokens = require('@digital-go-jp/design-tokens');
const pkg = require('@digital-go-jp/design-tokens/package.json');

const kebab = (s) =>
  String(s)
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

// Flatten {Color: {Primitive: {Blue: {900: {$value}}}}} into [['color-primitive-blue-900', v]].
function flatten(node, path, out) {
  if (node && typeof node === 'object' && '$value' in node) {
    out.push([path.map(kebab).join('-'), node.$value]);
    return out;
  }
  for (const [k, v] of Object.entries(node)) flatten(v, path.concat(k), out);
  return out;
}
const all = new Map(flatten(tokens, [], []));

// Layer 1: which package tokens we carry. Whole scales for the hues we use, so a designer can
// pick a neighbouring step without regenerating; nothing from hues we never use.
const keep = [
  /^color-primitive-(blue|light-blue|green|yellow|orange|red)-\d+$/,
  /^color-neutral-(white|black)$/,
  /^color-neutral-solid-gray-\d+$/,
  /^color-neutral-opacity-gray-\d+$/,
  /^color-semantic-/,
  /^font-(weight|size)-/,
  /^font-family-(sans|mono)$/,
  /^line-height-/,
  /^border-radius-/,
  /^elevation-[1-3]$/,
];
const used = [...all].filter(([k]) => keep.some((re) => re.test(k)));
if (used.length < 100) throw new Error(`design-tokens layout changed: only ${used.length} tokens`);
const need = (name) => {
  if (!all.has(name)) throw new Error(`design-tokens no longer ships ${name}`);
  return `var(--${name})`;
};

const value = (v) => (typeof v === 'number' ? String(v) : v);
// The package's font stack names only 'Noto Sans JP'; Debian ships the same design as
// 'Noto Sans CJK JP', and Windows/macOS users have their own Japanese UI fonts. Keep Noto first.
const fontSans = String(all.get('font-family-sans')).replace(
  "'Noto Sans JP',",
  "'Noto Sans JP', 'Noto Sans CJK JP', 'Hiragino Sans', 'Hiragino Kaku Gothic ProN', " +
    "'BIZ UDPGothic', Meiryo,",
);
const fontMono = String(all.get('font-family-mono')).replace(
  "'Noto Sans Mono',",
  "'Noto Sans Mono', 'Noto Sans Mono CJK JP', ui-monospace, Menlo, Consolas,",
);

// Layer 2. DADS lays out on an 8px grid with 4px half-steps ("余白" guideline); the package
// has no spacing tokens, so the scale is written here in rem (16px root).
const spacing = [
  ['spacing-4', '0.25rem'],
  ['spacing-8', '0.5rem'],
  ['spacing-12', '0.75rem'],
  ['spacing-16', '1rem'],
  ['spacing-24', '1.5rem'],
  ['spacing-32', '2rem'],
  ['spacing-40', '2.5rem'],
  ['spacing-48', '3rem'],
  ['spacing-64', '4rem'],
  ['spacing-80', '5rem'],
];
const measures = [
  ['gcas-content-max', '80rem'], // page frame
  ['gcas-prose-max', '45rem'], // ~40 full-width characters at 18px: a readable line
  ['gcas-card-max', '30rem'], // sign-in card
  ['gcas-nav-width', '13rem'],
  ['gcas-target-min', '2.75rem'], // 44px: beyond WCAG 2.5.8's 24px minimum (2.5.5 AAA size)
  ['gcas-target-sm', '2.25rem'], // 36px for compact buttons, still >= 24px
  ['gcas-border-thin', '1px'],
  ['gcas-border-thick', '2px'],
];

// Layer 3: semantic aliases. DADS: text solid-gray-800 on white; links blue-1000;
// primary actions blue-900 (#0017C1), hover blue-1000, active blue-1200.
// Focus (DADS "フォーカスリング"): a 4px black outline offset 2px over a yellow-300 ring, which
// keeps >= 3:1 against any background (WCAG 2.4.11 / 2.4.13).
const alias = [
  ['gcas-color-bg', need('color-neutral-white')],
  ['gcas-color-bg-subtle', need('color-neutral-solid-gray-50')],
  ['gcas-color-bg-muted', need('color-primitive-blue-50')],
  ['gcas-color-text', need('color-neutral-solid-gray-800')],
  ['gcas-color-text-strong', need('color-neutral-solid-gray-900')],
  ['gcas-color-text-muted', need('color-neutral-solid-gray-600')], // 5.7:1 on white
  ['gcas-color-text-on-primary', need('color-neutral-white')],
  ['gcas-color-border', need('color-neutral-solid-gray-420')], // 3:1 on white: UI boundary
  ['gcas-color-border-field', need('color-neutral-solid-gray-600')],
  ['gcas-color-divider', need('color-neutral-solid-gray-100')],
  ['gcas-color-primary', need('color-primitive-blue-900')],
  ['gcas-color-primary-hover', need('color-primitive-blue-1000')],
  ['gcas-color-primary-active', need('color-primitive-blue-1200')],
  ['gcas-color-primary-tint', need('color-primitive-blue-100')],
  ['gcas-color-primary-tint-strong', need('color-primitive-blue-200')],
  ['gcas-color-link', need('color-primitive-blue-1000')],
  ['gcas-color-link-hover', need('color-primitive-blue-1200')],
  ['gcas-color-danger', need('color-primitive-red-900')],
  ['gcas-color-danger-hover', need('color-primitive-red-1000')],
  ['gcas-color-danger-active', need('color-primitive-red-1200')],
  ['gcas-color-error', need('color-semantic-error-1')],
  ['gcas-color-error-text', need('color-primitive-red-900')], // 5.9:1 on white
  ['gcas-color-error-bg', need('color-primitive-red-50')],
  ['gcas-color-success', need('color-semantic-success-2')],
  ['gcas-color-success-text', need('color-primitive-green-900')],
  ['gcas-color-success-bg', need('color-primitive-green-50')],
  ['gcas-color-warning', need('color-semantic-warning-yellow-2')], // 3.4:1 on yellow-50,
  ['gcas-color-warning-text', need('color-primitive-yellow-1200')],
  ['gcas-color-warning-bg', need('color-primitive-yellow-50')],
  ['gcas-color-info', need('color-primitive-light-blue-900')],
  ['gcas-color-info-text', need('color-primitive-light-blue-1100')],
  ['gcas-color-info-bg', need('color-primitive-light-blue-50')],
  ['gcas-color-neutral-text', need('color-neutral-solid-gray-800')],
  ['gcas-color-neutral-bg', need('color-neutral-solid-gray-50')],
  ['gcas-color-required', need('color-primitive-red-900')],
  ['gcas-color-focus-ring', need('color-primitive-yellow-300')],
  ['gcas-color-focus-outline', need('color-neutral-black')],
  ['gcas-color-stripe', need('color-neutral-solid-gray-50')],
  ['gcas-focus-outline-width', '4px'],
  ['gcas-focus-outline-offset', '2px'],
  ['gcas-focus-ring-width', '2px'],
  ['gcas-font-sans', fontSans],
  ['gcas-font-mono', fontMono],
  ['gcas-text-body', need('font-size-16')],
  ['gcas-text-small', need('font-size-14')],
  ['gcas-text-lead', need('font-size-18')],
  ['gcas-text-h1', need('font-size-32')],
  ['gcas-text-h2', need('font-size-24')],
  ['gcas-text-h3', need('font-size-20')],
  ['gcas-leading-body', need('line-height-170')],
  ['gcas-leading-heading', need('line-height-140')],
  ['gcas-leading-tight', need('line-height-130')],
  ['gcas-radius-sm', need('border-radius-4')],
  ['gcas-radius', need('border-radius-8')],
  ['gcas-radius-lg', need('border-radius-12')],
  ['gcas-radius-pill', need('border-radius-full')],
];

function render() {
  const line = ([k, v]) => `  --${k}: ${value(v)};`;
  return [
    '/* SPDX-License-Identifier: MIT */',
    `/* Generated by tools/gen-tokens.mjs from ${pkg.name}@${pkg.version}`,
    ' * (MIT License, Copyright (c) 2023 デジタル庁). Do not edit: change the generator. */',
    '',
    ':root {',
    '  /* Digital Agency Design System tokens (package values, package names) */',
    ...used.map(line),
    '',
    '  /* Not in the package: spacing on the DADS 8px grid, and page measures */',
    ...spacing.map(line),
    ...measures.map(line),
    '',
    '  /* GCAS semantic aliases used by gcas.css */',
    ...alias.map(line),
    '}',
    '',
  ].join('\n');
}

// Every var(--x) in gcas.css must be defined here (or locally in gcas.css, for component-scoped
// properties such as --alert-color): a typo would silently fall back to nothing.
function checkCss(css) {
  const defined = new Set([...used, ...spacing, ...measures, ...alias].map(([k]) => k));
  for (const m of css.matchAll(/(?:^|[;{\s])--([a-z0-9-]+)\s*:/g)) defined.add(m[1]);
  const missing = new Set();
  for (const m of css.matchAll(/var\(--([a-z0-9-]+)/g)) if (!defined.has(m[1])) missing.add(m[1]);
  return [...missing];
}

const out = join(root, 'static', 'tokens.css');
const css = render();
const check = process.argv.includes('--check');
let status = 0;
if (check) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    /* missing counts as stale */
  }
  if (current !== css) {
    console.error('static/tokens.css is stale: run node tools/gen-tokens.mjs');
    status = 1;
  }
} else {
  writeFileSync(out, css);
  console.log(`wrote static/tokens.css (${pkg.name}@${pkg.version})`);
}
let gcas = '';
try {
  gcas = readFileSync(join(root, 'static', 'gcas.css'), 'utf8');
} catch {
  /* not written yet */
}
const missing = checkCss(gcas);
if (missing.length) {
  console.error(`static/gcas.css uses undefined custom properties: ${missing.join(', ')}`);
  status = 1;
}
process.exit(status);
