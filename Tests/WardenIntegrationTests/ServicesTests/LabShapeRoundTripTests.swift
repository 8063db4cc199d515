import Testing
import WardenCore
@testable import WardenLab

/// Every file a lab writes (central and rim node), through the facade.
@Suite("The lab's service shapes through ServiceConfig")
struct LabShapeRoundTripTests {
    static let values = LabTemplates.Values(host: "127.0.0.1", port: 4432, user: "qliksenserepository", password: "pw")
    static let files = LabTemplates.centralNode(values) + LabTemplates.rimNode(values)

    @Test("each lab file renders byte for byte, is detected as its profile, and reads every entry", arguments: Array(files.indices))
    func roundTrip(index: Int) throws {
        let file = Self.files[index]
        let profile = try #require(ServiceProfile.named(file.profile))
        let config = try ServiceConfig(text: file.contents, profile: profile, file: "/lab/" + file.path)
        #expect(config.render() == file.contents)
        #expect(config.missingEntries.isEmpty)
        for settings in try config.allSettings() {
            #expect(settings.problems.isEmpty)
            if profile.driver != .nodeTLS {
                #expect(settings.passwordKind == .plaintext)
                #expect(settings.hosts.map(\.name) == ["127.0.0.1"])
                #expect(settings.port == 4432)
                #expect(!settings.requiresTLS)
            }
        }
        let detected = try ServiceConfig.detect(text: file.contents, file: "/lab/" + file.path)
        #expect(detected.profile.name == profile.name)
        #expect(detected.render() == file.contents)
    }
}
