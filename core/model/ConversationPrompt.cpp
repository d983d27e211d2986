#include "model/ConversationPrompt.h"

namespace geolens {

namespace {

const char *const SystemPrompt = "A chat between a curious human and an artificial intelligence assistant. The assistant "
                                 "gives helpful, detailed, and polite answers to the human's questions.";

} // namespace

std::string llavaConversationPrompt(const std::string &question, const std::vector<ChatTurn> &history)
{
    // llava_v1: turns separated by " ", each assistant answer closed by "</s>", the image in the
    // first user message.
    std::string text = std::string(SystemPrompt) + " ";
    bool first = true;
    auto user = [&](const std::string &message) {
        text += "USER: " + (first ? "<image>\n" + message : message) + " ";
        first = false;
    };
    for (const ChatTurn &turn : history) {
        user(turn.user);
        text += "ASSISTANT: " + turn.assistant + "</s>";
    }
    user(question);
    text += "ASSISTANT:";
    return text;
}

} // namespace geolens
