package dev.reasoningrouter.trainer.data;

import dev.reasoningrouter.trainer.tasks.Conversation;
import dev.reasoningrouter.trainer.tasks.Form;
import dev.reasoningrouter.trainer.tasks.Task;

/** One drawn training item: the task, the form it is put in, the conversation, and the expert budget to train it at. */
public record Example(Task task, Form form, Conversation conversation, int experts) {}
