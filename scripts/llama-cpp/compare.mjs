// Compares the engine's logits (raw little-endian float32, one row of vocab size per position, from
// `./rr engine logits`) with llama.cpp's next-token distributions for the same tokens. Prints one JSON line:
// the largest |log p_engine - log p_llama.cpp| over every position and token, and how often the argmax agrees.
// Exit status 1 when more than `outliers` positions (default 0) have a largest difference above the tolerance: in a
// mixture of experts a near-tie in the top-k choice can flip under llama.cpp's 8-bit activations and move one
// position's whole distribution, which is a difference of arithmetic, not of format. With `minLogp` (default: none),
// tokens that both sides give a log-probability below it are left out: a trained model's peaked distributions put
// most tokens many nats down, where 8-bit activations move log-probabilities most and matter least.
import {readFileSync} from "node:fs";

const [llamaJson, logitsFile, toleranceText, outliersText, minLogpText] = process.argv.slice(2);
const floor = minLogpText === undefined ? -Infinity : Number(minLogpText);
const theirs = JSON.parse(readFileSync(llamaJson, "utf8"));
const raw = readFileSync(logitsFile);
const vocab = theirs.vocab;
const positions = raw.length / 4 / vocab;
if (positions !== theirs.rows.length) {
    console.error(`positions differ: engine ${positions}, llama.cpp ${theirs.rows.length}`);
    process.exit(2);
}
let maxDiff = 0, sumDiff = 0, count = 0, argmaxAgree = 0, minLogp = 0;
const perPosition = [];
for (let p = 0; p < positions; p++) {
    const logits = new Float64Array(vocab);
    for (let i = 0; i < vocab; i++) logits[i] = raw.readFloatLE((p * vocab + i) * 4);
    let max = -Infinity;
    for (const v of logits) max = Math.max(max, v);
    let sum = 0;
    for (const v of logits) sum += Math.exp(v - max);
    const lse = max + Math.log(sum);
    let ours = 0, best = -1, positionMax = 0;
    for (let i = 0; i < vocab; i++) {
        if (logits[i] > logits[ours]) ours = i;
        if (best < 0 || theirs.rows[p][i] > theirs.rows[p][best]) best = i;
        const q = theirs.rows[p][i];
        if (q <= 0) continue; // below float precision on their side
        if (logits[i] - lse < floor && Math.log(q) < floor) continue;
        const d = Math.abs(logits[i] - lse - Math.log(q));
        maxDiff = Math.max(maxDiff, d);
        positionMax = Math.max(positionMax, d);
        sumDiff += d;
        count++;
        minLogp = Math.min(minLogp, logits[i] - lse);
    }
    if (ours === best) argmaxAgree++;
    perPosition.push(Number(positionMax.toFixed(4)));
}
const tolerance = Number(toleranceText);
const allowed = Number(outliersText ?? 0);
const outliers = perPosition.filter(d => d > tolerance).length;
const ok = outliers <= allowed;
console.log(JSON.stringify({arch: theirs.arch, positions, vocab, compared: count, maxAbsLogpDiff: maxDiff,
    meanAbsLogpDiff: sumDiff / count, lowestLogp: minLogp, argmaxAgree: `${argmaxAgree}/${positions}`, maxPerPosition: perPosition, tolerance, outliers, allowed, minLogp: floor, ok}));
process.exit(ok ? 0 : 1);
