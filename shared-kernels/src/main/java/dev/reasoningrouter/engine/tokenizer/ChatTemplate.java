package dev.reasoningrouter.engine.tokenizer;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * DeepSeek's chat templates, written out as code (this is not a Jinja engine). Each renders exactly
 * what its Jinja original in the model's {@code tokenizer_config.json} renders for plain-text turns:
 *
 * <ul>
 *   <li>{@code deepseek-v2} (DeepSeek LLM chat, DeepSeek-V2 / V2-Lite-Chat):
 *       {@code BOS system\n\n User: u\n\n Assistant: a EOS ... Assistant:};</li>
 *   <li>{@code deepseek-v3} (DeepSeek-V3): {@code BOS system <｜User｜>u<｜Assistant｜>a<｜end▁of▁sentence｜> ... <｜Assistant｜>},
 *       all system turns gathered up front and joined by a blank line, tool results wrapped in the
 *       {@code <｜tool▁output...｜>} markers.</li>
 * </ul>
 * The rendered text contains the special tokens as text; {@link Tokenizer#encode} maps them to their ids,
 * so the result is encoded without adding another BOS. Assistant turns that carry tool calls instead of
 * text are outside {@link ChatTurn} and not rendered.
 */
public final class ChatTemplate {

    /** The Jinja source of the DeepSeek LLM / V2 chat template, as its tokenizer_config.json has it. */
    public static final String DEEPSEEK_V2_SOURCE = "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ 'User: ' + message['content'] + '\\n\\n' }}{% elif message['role'] == 'assistant' %}{{ 'Assistant: ' + message['content'] + eos_token }}{% elif message['role'] == 'system' %}{{ message['content'] + '\\n\\n' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}";

    public static final String DEEPSEEK_V2 = "deepseek-v2";
    public static final String DEEPSEEK_V3 = "deepseek-v3";

    private static final String DEFAULT_BOS = "<｜begin▁of▁sentence｜>";
    private static final String DEFAULT_EOS = "<｜end▁of▁sentence｜>";
    private static final String V3_USER = "<｜User｜>";
    private static final String V3_ASSISTANT = "<｜Assistant｜>";
    private static final String V3_END = "<｜end▁of▁sentence｜>";
    private static final String V3_OUTPUTS_BEGIN = "<｜tool▁outputs▁begin｜>";
    private static final String V3_OUTPUTS_END = "<｜tool▁outputs▁end｜>";
    private static final String V3_OUTPUT_BEGIN = "<｜tool▁output▁begin｜>";
    private static final String V3_OUTPUT_END = "<｜tool▁output▁end｜>";

    private final String name;
    private final String bos;
    private final String eos;

    private ChatTemplate(String name, String bos, String eos) {
        this.name = name;
        this.bos = bos;
        this.eos = eos;
    }

    /** A template by name: {@code deepseek-v2} (alias {@code deepseek-llm}) or {@code deepseek-v3}, with DeepSeek's BOS/EOS. */
    public static ChatTemplate named(String name) {
        return named(name, DEFAULT_BOS, DEFAULT_EOS);
    }

    private static ChatTemplate named(String name, String bos, String eos) {
        String n = Objects.requireNonNull(name, "template name").toLowerCase(Locale.ROOT);
        return switch (n) {
            case DEEPSEEK_V2, "deepseek-llm", "deepseek2" -> new ChatTemplate(DEEPSEEK_V2, bos, eos);
            case DEEPSEEK_V3, "deepseek3" -> new ChatTemplate(DEEPSEEK_V3, bos, eos);
            default -> throw new IllegalArgumentException("unknown chat template '" + name
                    + "'; known: " + DEEPSEEK_V2 + ", " + DEEPSEEK_V3);
        };
    }

    /**
     * The template a vocabulary's model was trained with: from its {@code tokenizer.chat_template} when
     * present (recognised by its text), else from its pre-tokenizer ({@code deepseek-v3} or {@code deepseek-llm}).
     * BOS and EOS are the vocabulary's own tokens. Later templates that use the V3 role tokens (V3-0324, R1)
     * are taken as {@code deepseek-v3}; they differ from it in details (where {@code <｜Assistant｜>} goes when no
     * generation prompt is asked for, R1's opening {@code <think>}) that this class does not reproduce.
     */
    public static ChatTemplate forVocabulary(TokenizerVocabulary v) {
        String bos = v.bosId() >= 0 ? v.tokens().get(v.bosId()) : DEFAULT_BOS;
        String eos = v.eosId() >= 0 ? v.tokens().get(v.eosId()) : DEFAULT_EOS;
        String source = v.chatTemplate();
        if (source != null && !source.isBlank()) {
            if (source.contains("'<｜User｜>'") && source.contains("'<｜Assistant｜>'")) {
                return new ChatTemplate(DEEPSEEK_V3, bos, eos);
            }
            if (source.equals(DEEPSEEK_V2_SOURCE)
                    || (source.contains("'User: '") && source.contains("'Assistant: '"))) {
                return new ChatTemplate(DEEPSEEK_V2, bos, eos);
            }
            throw new IllegalArgumentException("tokenizer.chat_template is not a DeepSeek V2 or V3 template: "
                    + (source.length() > 120 ? source.substring(0, 120) + "..." : source));
        }
        String pre = v.preTokenizer() == null ? "" : v.preTokenizer();
        return switch (pre) {
            case PreTokenizer.DEEPSEEK_V3 -> new ChatTemplate(DEEPSEEK_V3, bos, eos);
            case PreTokenizer.DEEPSEEK_LLM -> new ChatTemplate(DEEPSEEK_V2, bos, eos);
            default -> throw new IllegalArgumentException("no tokenizer.chat_template and pre-tokenizer '" + pre
                    + "' does not imply one; name the template (" + DEEPSEEK_V2 + " or " + DEEPSEEK_V3 + ")");
        };
    }

    public String name() {
        return name;
    }

    /**
     * The prompt text for {@code turns}; with {@code addGenerationPrompt} it ends where the assistant's
     * reply begins. Roles: system, user, assistant, and (V3 only) tool.
     */
    public String render(List<ChatTurn> turns, boolean addGenerationPrompt) {
        Objects.requireNonNull(turns, "turns");
        for (int i = 0; i < turns.size(); i++) {
            ChatTurn t = turns.get(i);
            if (t == null || t.role() == null || t.content() == null) {
                throw new IllegalArgumentException("chat turn " + i + " has no role or no content");
            }
            boolean known = switch (t.role()) {
                case "system", "user", "assistant" -> true;
                case "tool" -> name.equals(DEEPSEEK_V3);
                default -> false;
            };
            if (!known) {
                throw new IllegalArgumentException("chat turn " + i + " has role '" + t.role() + "'; the "
                        + name + " template takes system, user, assistant"
                        + (name.equals(DEEPSEEK_V3) ? " and tool" : ""));
            }
        }
        return name.equals(DEEPSEEK_V3) ? renderV3(turns, addGenerationPrompt) : renderV2(turns, addGenerationPrompt);
    }

    private String renderV2(List<ChatTurn> turns, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder(bos);
        for (ChatTurn t : turns) {
            switch (t.role()) {
                case "user" -> sb.append("User: ").append(t.content()).append("\n\n");
                case "assistant" -> sb.append("Assistant: ").append(t.content()).append(eos);
                case "system" -> sb.append(t.content()).append("\n\n");
                default -> throw new IllegalStateException(t.role());
            }
        }
        if (addGenerationPrompt) {
            sb.append("Assistant:");
        }
        return sb.toString();
    }

    private String renderV3(List<ChatTurn> turns, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder(bos);
        boolean firstSystem = true;
        for (ChatTurn t : turns) {
            if (t.role().equals("system")) {
                if (!firstSystem) {
                    sb.append("\n\n");
                }
                sb.append(t.content());
                firstSystem = false;
            }
        }
        boolean inTool = false;
        boolean firstOutput = true; // the original never resets it, so later tool rounds start with "\n"
        for (ChatTurn t : turns) {
            switch (t.role()) {
                case "user" -> {
                    inTool = false;
                    sb.append(V3_USER).append(t.content());
                }
                case "assistant" -> {
                    if (inTool) {
                        sb.append(V3_OUTPUTS_END).append(t.content()).append(V3_END);
                        inTool = false;
                    } else {
                        sb.append(V3_ASSISTANT).append(t.content()).append(V3_END);
                    }
                }
                case "tool" -> {
                    inTool = true;
                    if (firstOutput) {
                        sb.append(V3_OUTPUTS_BEGIN).append(V3_OUTPUT_BEGIN).append(t.content()).append(V3_OUTPUT_END);
                        firstOutput = false;
                    } else {
                        sb.append('\n').append(V3_OUTPUT_BEGIN).append(t.content()).append(V3_OUTPUT_END);
                    }
                }
                default -> { } // system turns were rendered up front
            }
        }
        if (inTool) {
            sb.append(V3_OUTPUTS_END);
        }
        if (addGenerationPrompt && !inTool) {
            sb.append(V3_ASSISTANT);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "ChatTemplate[" + name + "]";
    }
}
