#pragma once

#include <string>
#include <vector>

namespace geolens {

// One earlier exchange of a conversation.
struct ChatTurn {
    std::string user;
    std::string assistant;
};

// The llava_v1 conversation text for a question (with the <image> marker in the first turn).
// Plain C++, so that what knows a prompt's length before a model is loaded (the distillation
// data check) builds the very text the model is asked.
std::string llavaConversationPrompt(const std::string &question, const std::vector<ChatTurn> &history);

} // namespace geolens
