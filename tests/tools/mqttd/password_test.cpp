// Password hashes and the password file: Mosquitto 2's "$7$" PBKDF2-SHA512 format, refusals of fast and plain
// hashes, and files written by mosquitto_passwd itself.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sys/stat.h>

#include <mqttd/config_file.hpp>
#include <mqttd/password_file.hpp>
#include <mqttd/password_hash.hpp>

namespace {

using namespace mqttd;

std::string error_of(std::string_view text) {
    try {
        (void)password_file::parse(text, "pw");
    } catch (const config_error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(PasswordHash, VerifiesOnlyTheRightPassword) {
    const auto h = make_password_hash("s3cret", 1000);
    EXPECT_EQ(h.iterations, 1000U);
    EXPECT_EQ(h.salt.size(), password_salt_size);
    EXPECT_EQ(h.digest.size(), 64U);
    EXPECT_TRUE(verify_password(h, "s3cret"));
    EXPECT_FALSE(verify_password(h, "s3cret "));
    EXPECT_FALSE(verify_password(h, ""));
}

TEST(PasswordHash, SaltIsFreshEachTime) {
    const auto a = make_password_hash("same", 1000);
    const auto b = make_password_hash("same", 1000);
    EXPECT_NE(a.salt, b.salt);
    EXPECT_NE(a.digest, b.digest);
}

TEST(PasswordHash, FormatParsesBack) {
    const auto h = make_password_hash("pw", 1234);
    const auto text = format_password_hash(h);
    EXPECT_TRUE(text.starts_with("$7$1234$")) << text;
    const auto back = parse_password_hash(text);
    EXPECT_EQ(back.iterations, h.iterations);
    EXPECT_EQ(back.salt, h.salt);
    EXPECT_EQ(back.digest, h.digest);
    EXPECT_TRUE(verify_password(back, "pw"));
}

// A known vector computed independently (Python: hashlib.pbkdf2_hmac('sha512', b'secret', salt, 101)), in the
// form mosquitto_passwd wrote it.
TEST(PasswordHash, KnownMosquittoVector) {
    const auto h = parse_password_hash(
        "$7$101$nG7PRcAPhPEZiSmk$hgKHZUzte67JBHs7TObnGVoGTpob7mvk9yNsxZmwY+qQT0CtvWRprvTWdbHoPRyDJF/kCVBa9UjCK5q3UGwtcw==");
    EXPECT_EQ(h.iterations, 101U);
    EXPECT_EQ(h.salt.size(), 12U);
    EXPECT_TRUE(verify_password(h, "secret"));
    EXPECT_FALSE(verify_password(h, "Secret"));
}

TEST(PasswordFile, RefusesFastPlainAndBrokenEntries) {
    EXPECT_EQ(error_of("alice:secret\n"), "pw:1: user 'alice': not a hash (a plain-text password? hash it with "
                                          "mqttd-passwd)");
    EXPECT_EQ(error_of("# c\n\nbob:$6$c2FsdA==$aGFzaA==\n"),
              "pw:3: user 'bob': '$6$' is a fast SHA-512 hash, refused: set the password again with mqttd-passwd");
    EXPECT_EQ(error_of("carol\n"), "pw:1: expected user:hash");
    EXPECT_EQ(error_of(":$7$1$AAAA$AAAA\n"), "pw:1: empty user name");
    EXPECT_EQ(error_of("dave:$7$x$AAAA$AAAA\n"),
              "pw:1: user 'dave': iterations 'x' is not a number from 1 to 100000000");
    EXPECT_EQ(error_of("erin:$7$5$!!!!$AAAA\n"), "pw:1: user 'erin': salt is not base64");
    EXPECT_EQ(error_of("fred:$7$5$AAAA$AAAA\n"), "pw:1: user 'fred': hash is 3 bytes, PBKDF2-SHA512 gives 64");
    EXPECT_EQ(error_of("gina:$9$1$AAAA$AAAA\n"), "pw:1: user 'gina': unknown hash type '$9$'");
    const auto line = "hank:" + format_password_hash(make_password_hash("x", 1000)) + "\n";
    EXPECT_EQ(error_of(line + line), "pw:2: user 'hank' appears twice");
}

TEST(PasswordFile, SetRemoveAndText) {
    password_file f;
    f.set("bob", make_password_hash("b", 1000));
    f.set("alice", make_password_hash("a", 1000));
    f.set("alice", make_password_hash("a2", 1000));  // replaces
    EXPECT_EQ(f.size(), 2U);
    const auto again = password_file::parse(f.text(), "text");
    ASSERT_NE(again.find("alice"), nullptr);
    EXPECT_TRUE(verify_password(*again.find("alice"), "a2"));
    EXPECT_FALSE(verify_password(*again.find("alice"), "a"));
    EXPECT_TRUE(f.remove("bob"));
    EXPECT_FALSE(f.remove("bob"));
    EXPECT_EQ(f.find("bob"), nullptr);
    EXPECT_THROW(f.set("a:b", make_password_hash("x", 1000)), config_error);
    EXPECT_THROW(f.set("a\nb", make_password_hash("x", 1000)), config_error);
}

TEST(PasswordFile, SaveIsPrivateAndLoadsBack) {
    const std::string path = std::string(MQTTD_TEST_WORK_DIR) + "/save_test.passwd";
    password_file f;
    f.set("alice", make_password_hash("a", 1000));
    f.save(path);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    EXPECT_TRUE(verify_password(*password_file::load(path).find("alice"), "a"));
    std::remove(path.c_str());
    try {
        (void)password_file::load(path);
        FAIL() << "loading a missing file must throw";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()), path + ": cannot open password file: No such file or directory");
    }
}

// The file mosquitto_passwd writes is read as it is, so users can switch brokers without re-entering passwords.
TEST(PasswordFile, ReadsWhatMosquittoPasswdWrites) {
    if (std::string(MQTTD_TEST_MOSQUITTO_PASSWD).empty()) GTEST_SKIP() << "mosquitto_passwd not installed";
    const std::string path = std::string(MQTTD_TEST_WORK_DIR) + "/mosquitto.passwd";
    std::remove(path.c_str());
    const std::string cmd = std::string(MQTTD_TEST_MOSQUITTO_PASSWD) + " -c -b " + path + " alice 'open sesame'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    const auto f = password_file::load(path);
    ASSERT_NE(f.find("alice"), nullptr);
    EXPECT_TRUE(verify_password(*f.find("alice"), "open sesame"));
    EXPECT_FALSE(verify_password(*f.find("alice"), "open sesame!"));
    std::remove(path.c_str());
}

}  // namespace
