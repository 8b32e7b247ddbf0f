// Loads a GGUF with llama.cpp (node-llama-cpp's prebuilt CPU build, no network) and prints, for every position of
// the given token ids, llama.cpp's next-token distribution as JSON: {"arch": ..., "rows": [[p0, p1, ...], ...]}.
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

const [modelPath, tokensCsv] = process.argv.slice(2);
const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath});
const context = await model.createContext({contextSize: 256, batchSize: 256});
const tokens = tokensCsv.split(",").map(Number);
const results = await context.getSequence().controlledEvaluate(
    tokens.map(t => [t, {generateNext: {probabilities: true}}]));
const vocab = model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length;
const rows = results.map(r => {
    const row = new Array(vocab).fill(0);
    for (const [token, p] of r.next.probabilities) row[token] = p;
    return row;
});
console.log(JSON.stringify({arch: model.fileInfo.metadata.general.architecture, vocab, rows}));
await context.dispose();
await model.dispose();
