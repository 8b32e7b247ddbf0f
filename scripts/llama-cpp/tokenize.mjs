// Tokenizes a text with llama.cpp's own tokenizer for a GGUF file (special tokens in the text parsed as such, no BOS
// added) and prints the ids as one comma-separated line.
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

const [modelPath, text] = process.argv.slice(2);
const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath});
console.log(Array.from(model.tokenize(text, true)).join(","));
await model.dispose();
