#pragma once
// Reading mqttd's line-oriented files (configuration, password file, ACL file): one place for the file I/O and
// the word splitting, so every file reports errors the same way ("file:line: ...").
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mqttd {

// The whole file. Throws config_error naming the file and what went wrong; `what` says what the file is for.
[[nodiscard]] std::string read_text_file(const std::string& path, std::string_view what);

[[nodiscard]] std::string_view trim(std::string_view s);
[[nodiscard]] std::vector<std::string_view> split_words(std::string_view s);

// Calls `each(line_number, trimmed_line)` for every line that is neither blank nor a '#' comment.
void for_each_content_line(std::string_view text, const std::function<void(std::size_t, std::string_view)>& each);

}  // namespace mqttd
