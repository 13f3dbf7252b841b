/**
 * The V8 flags every Stafett process starts with: the Dockerfiles' `CMD`, `npm start`
 * (`tools/start.sh`) and the benchmarks' platform process (a test checks the Dockerfiles).
 *
 * `--max-semi-space-size=16` (MiB): on a machine with a lot of memory V8 sizes the young
 * generation from the heap limit (32 MiB semi-spaces at 24 GiB). A 16 MiB one keeps the
 * all-in-one's peak RSS under the 600 MB that issue 8 asks for (B4, 100 k, median of 3: 609 →
 * 539 MiB) at no measurable CPU (platform node 214 → 200 µs per record, within run-to-run noise);
 * 8 MiB gave 509 MiB but +19 % CPU (more survivors promoted), and capping the old generation
 * (`--max-old-space-size=512`) 480 MiB at +45 %.
 */
export const NODE_FLAGS = ['--max-semi-space-size=16'] as const;
