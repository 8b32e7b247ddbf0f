package dev.reasoningrouter.contracts;

/** One message of a chat conversation, as in OpenAI's API. */
public record ChatMessage(String role, String content) {}
