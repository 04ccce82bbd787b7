// plot.ts imports @resvg/resvg-js (a native module) for the CLI's PNGs; the page renders Vega
// to a canvas instead, so in the browser bundle the import resolves here.

export class Resvg {
  constructor() {
    throw new Error('resvg is not available in the browser (the page renders figures with Vega on a canvas)');
  }
}
