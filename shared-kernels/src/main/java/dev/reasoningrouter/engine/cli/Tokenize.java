package dev.reasoningrouter.engine.cli;

import dev.reasoningrouter.engine.model.LoadedModel;
import dev.reasoningrouter.engine.model.ModelLoader;
import dev.reasoningrouter.engine.model.ModelTokenizer;
import dev.reasoningrouter.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tokenize}: text to the ids the model would see, through the same tokenizer and BOS rule as
 * {@code generate --prompt}, so that the printed ids can be handed to {@code logits --tokens} unchanged.
 */
final class Tokenize {
    private Tokenize() {}

    static void run(EngineCli cli, Args a) throws IOException {
        boolean json = a.flag("json");
        boolean noBos = a.flag("no-bos");
        String text = textOption(a);
        a.checkAllUsed();
        String path = a.positional(0, "MODEL (a .gguf file or checkpoint directory)");
        // One CPU worker: tokenizing needs the vocabulary and the embedding count, never the kernels, so there is
        // no reason to start a thread per core or to upload anything to a GPU.
        try (LoadedModel lm = ModelLoader.load(Path.of(path), 1)) {
            ModelTokenizer resolved = TextCodec.resolve(lm);
            Tokenizer tok = resolved.tokenizer();
            int[] body = tok.encode(text);
            boolean bos = !noBos && tok.bosId() >= 0;
            int[] ids = bos ? EngineCli.prepend(tok.bosId(), body) : body;
            if (!json) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < ids.length; i++) {
                    sb.append(i == 0 ? "" : ",").append(ids[i]);
                }
                cli.out().println(sb);
                return;
            }
            // each token decoded on its own: readable, but a token holding part of a multi-byte character shows
            // U+FFFD there (the ids, not the pieces, are the exact result)
            List<String> pieces = new ArrayList<>(ids.length);
            for (int id : ids) {
                pieces.add(tok.decode(new int[] {id}));
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", lm.source());
            r.put("tokenizer", resolved.source());
            r.put("bos", bos);
            r.put("count", ids.length);
            r.put("ids", ids);
            r.put("pieces", pieces);
            cli.out().println(EngineCli.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        }
    }

    private static String textOption(Args a) throws IOException {
        String text = a.get("text");
        String file = a.get("file");
        if (text != null && file != null) {
            throw new CliException("give --text or --file, not both");
        }
        if (text != null) {
            return text;
        }
        if (file == null) {
            throw new CliException("tokenize needs --text TEXT or --file F");
        }
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new CliException("--file " + file + " does not exist or is not a regular file");
        }
        // strict decoding: silently replacing bad bytes would tokenize a text other than the one in the file
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(p)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CliException("--file " + file + " is not valid UTF-8 text");
        }
    }
}
