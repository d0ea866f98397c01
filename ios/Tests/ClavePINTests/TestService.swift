import Foundation
import XCTest
@testable import ClavePIN

/// A real `clavepin serve`, as the Kotlin tests use it: `scripts/test-ios.sh` starts
/// one and passes `CLAVEPIN_SERVICE_URL` and `CLAVEPIN_SERVICE_DATA` (where the
/// operator token is). Tests that need it are skipped, saying so, without them.
struct TestService {
    let url: String
    private let token: String
    /// The operator API listens apart; `serve` writes its address beside the token.
    private let operatorUrl: String
    static let validity = "31/01/2030"
    static let contrast = #"{"kind":"dni_validity","valid_until":"2030-01-31"}"#
    static let today = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18

    static func running() throws -> TestService {
        let env = ProcessInfo.processInfo.environment
        guard let url = env["CLAVEPIN_SERVICE_URL"], let data = env["CLAVEPIN_SERVICE_DATA"] else {
            throw XCTSkip("start `clavepin serve` and set CLAVEPIN_SERVICE_URL and CLAVEPIN_SERVICE_DATA (scripts/test-ios.sh does)")
        }
        let token = try String(contentsOfFile: data + "/operator.token", encoding: .utf8)
        let operatorUrl = try String(contentsOfFile: data + "/operator.address", encoding: .utf8)
        return TestService(
            url: url,
            token: token.trimmingCharacters(in: .whitespacesAndNewlines),
            operatorUrl: operatorUrl.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @discardableResult
    func call(_ method: String, _ path: String, _ body: String? = nil, operator: Bool = false) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: (`operator` ? operatorUrl : url) + path)!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        if operator { request.setValue("Bearer \(token)", forHTTPHeaderField: "authorization") }
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// A citizen of a test's own: a fresh, valid DNI in the census, registered.
    func newCitizen() async throws -> DocumentNumber {
        let number = 20_000_000 + Int.random(in: 0..<9_000_000)
        let letters = Array("TRWAGMYFPDXBNJZSQVHLCKE")
        let dni = String(format: "%08d", number) + String(letters[number % 23])
        try await call("POST", "/operator/census", #"{"records":[{"document":"\#(dni)","full_name":"Swift Test","birth_date":"1990-01-01","contrast":\#(Self.contrast),"fiscal_address":"Calle 1"}]}"#, operator: true)
        let (status, body) = try await call("POST", "/operator/citizens", #"{"document":"\#(dni)","contrast":\#(Self.contrast),"mobile":"612345678","email":"s@example.es"}"#, operator: true)
        XCTAssertEqual(status, 201, body)
        return try validateDocument(input: dni).document
    }

    func lastSmsCode() async throws -> String {
        let (_, body) = try await call("GET", "/operator/outbox/sms?after=0", operator: true)
        let codes = body.matches(of: #/\b\d{6}\b/#).map { String($0.output) }
        return try XCTUnwrap(codes.last)
    }

    /// What every SMS the embedded gateway sent says, oldest first (all test citizens share one mobile).
    func smsTexts() async throws -> [String] {
        let (_, body) = try await call("GET", "/operator/outbox/sms?after=0", operator: true)
        let outbox = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let items = try XCTUnwrap(outbox?["items"] as? [[String: Any]])
        return items.compactMap { $0["text"] as? String }
    }

    /// The newest push payload the embedded gateway sent, as APNs delivers it.
    func lastPushUserInfo() async throws -> [AnyHashable: Any] {
        let (_, body) = try await call("GET", "/operator/outbox/push?after=0", operator: true)
        let outbox = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let items = try XCTUnwrap(outbox?["items"] as? [[String: Any]])
        return try XCTUnwrap(items.last?["payload"] as? [String: Any])
    }

    /// "Obtain PIN" on the portal; returns the request id.
    func obtainPin(_ document: DocumentNumber, code: String) async throws -> String {
        let (status, created) = try await call("POST", "/portal/pin-requests", #"{"document":"\#(document)","contrast":\#(Self.contrast),"code":"\#(code)"}"#)
        XCTAssertEqual(status, 201, created)
        let json = try JSONSerialization.jsonObject(with: Data(created.utf8)) as? [String: Any]
        return try XCTUnwrap(json?["request_id"] as? String)
    }

    /// A new device in a folder of its own, with few PBKDF2 rounds (debug builds stretch slowly).
    func openDevice(
        dir: URL = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString),
        keyStore: PlatformKeyStore = KeychainKeyStore(service: "es.clavepin.tests.\(UUID().uuidString)", secureEnclave: false),
        name: String? = nil, model: String? = nil
    ) throws -> ClavePinDevice {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try ClavePinDevice.open(
            dataDir: dir.path, serviceUrl: url, keyStore: keyStore,
            settings: DeviceSettings(locale: .es, patternIterations: 1000, deviceName: name, deviceModel: model))
    }

    /// Activates `device` for `document` with the pattern 1-2-3-6.
    func activate(_ device: ClavePinDevice, _ document: DocumentNumber) async throws {
        _ = try await device.startActivation(
            document: document, contrast: Self.validity, permanentDni: false, today: CalendarDate(Self.today))
        _ = try await device.submitActivationCodeFor(document: document, code: try await lastSmsCode())
        try await device.setPattern(document: document, dots: Data([1, 2, 3, 6]))
    }
}
