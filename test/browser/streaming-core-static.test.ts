/**
 * Issue 6, browser tier, static half: dash.js and Shaka play every template in vod and in the
 * on-demand profile (odvod) where the template allows it, 20 s each. The matrix and its budget are
 * described in test/support/browser/streaming-matrix.ts.
 */
import { declareStreamingMatrix } from '../support/browser/streaming-matrix.js';

declareStreamingMatrix(['vod', 'odvod']);
