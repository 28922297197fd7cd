// Corpus replayer for builds without libFuzzer (g++, or clang without -fsanitize=fuzzer): runs
// LLVMFuzzerTestOneInput once over every file named on the command line or found (recursively) in a directory
// named there. Each input is copied into a heap buffer of exactly its size, as libFuzzer does, so that
// AddressSanitizer reports a read one byte past the end. Exit status 0 when every input ran; a failed check inside
// a target aborts the process. Usage: fuzz_<target> fuzz/corpus/<target> [more files or directories...]
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool run_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
        return false;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Exactly-sized allocation (an empty input still gets a valid, zero-length buffer).
    auto buffer = std::make_unique<std::uint8_t[]>(std::max<std::size_t>(bytes.size(), 1));
    if (!bytes.empty()) std::memcpy(buffer.get(), bytes.data(), bytes.size());
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), bytes.size());
    LLVMFuzzerTestOneInput(buffer.get(), bytes.size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    std::size_t runs = 0;
    bool ok = true;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_directory(arg, ec)) {
            std::vector<std::filesystem::path> files;
            for (const auto& entry : std::filesystem::recursive_directory_iterator(arg, ec))
                if (entry.is_regular_file()) files.push_back(entry.path());
            std::sort(files.begin(), files.end());  // a stable order makes failures reproducible
            for (const auto& f : files) {
                ok = run_file(f) && ok;
                ++runs;
            }
        } else if (std::filesystem::is_regular_file(arg, ec)) {
            ok = run_file(arg) && ok;
            ++runs;
        } else {
            std::fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
            ok = false;
        }
    }
    std::fprintf(stderr, "replay: %zu inputs, %s\n", runs, ok ? "all ran" : "some could not be read");
    return ok ? 0 : 1;
}
