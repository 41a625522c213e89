/**
 * Issue 6, browser tier, live half: dash.js and Shaka play every template that allows live, 20 s
 * each, on the real clock, with the latency held to the manifest's target (or a configured delay).
 * The matrix and its budget are described in test/support/browser/streaming-matrix.ts.
 */
import { declareStreamingMatrix } from '../support/browser/streaming-matrix.js';

declareStreamingMatrix(['live']);
