import ClavePIN
import SwiftUI

/// Activation's first step: the DNI or NIE, then the contrast datum the core says it
/// needs, with where to find it on the card; the core checks both before anything is sent.
struct DocumentView: View {
    let error: FieldError?
    let screens: CitizenApp
    @State private var document = ""
    @State private var contrast = ""
    @State private var permanent = false

    private var needs: ContrastKind? {
        if case let .valid(info) = documentInputState(input: document) { return info.contrastNeeded }
        return nil
    }

    var body: some View {
        Title(L("document_title"))
        TextField(L("document_label"), text: $document)
            .textInputAutocapitalization(.characters)
            .autocorrectionDisabled()
            .textFieldStyle(.roundedBorder)
        help(error?.field == .document ? error?.text : nil, otherwise: L("document_help"))
        if needs != .supportNumber {
            Toggle(L("contrast_permanent"), isOn: $permanent)
        }
        let (labelKey, helpKey) =
            needs == .supportNumber
            ? ("contrast_support_label", "contrast_support_help")
            : permanent ? ("contrast_issue_label", "contrast_issue_help") : ("contrast_validity_label", "contrast_validity_help")
        TextField(L(labelKey), text: $contrast)
            .textInputAutocapitalization(.characters)
            .autocorrectionDisabled()
            .keyboardType(needs == .supportNumber ? .asciiCapable : .numbersAndPunctuation)
            .textFieldStyle(.roundedBorder)
        help(error?.field == .contrast ? error?.text : nil, otherwise: L(helpKey))
        if let error, error.field == nil { ErrorText(error.text) }
        Button(L("continue_")) {
            screens.submitDocument(document, contrast: contrast, permanentDni: permanent && needs != .supportNumber)
        }
        .buttonStyle(.borderedProminent)
        .disabled(screens.busy || document.isEmpty || contrast.isEmpty)
    }

    @ViewBuilder private func help(_ error: String?, otherwise: String) -> some View {
        if let error { ErrorText(error) } else { Text(otherwise).font(.callout).foregroundStyle(.secondary) }
    }
}

/// Activation's second step: the 6-digit code the SMS brought.
struct CodeView: View {
    let phoneHint: String
    let codeExpiresAt: Date
    let error: String?
    let screens: CitizenApp
    @State private var code = ""

    var body: some View {
        Title(L("code_title"))
        Text(L("code_sent", phoneHint))
        TextField(L("code_label"), text: $code)
            .keyboardType(.numberPad)
            .textContentType(.oneTimeCode)
            .textFieldStyle(.roundedBorder)
            .onChange(of: code) { typed in code = String(typed.filter(\.isNumber).prefix(6)) }
        if let error {
            ErrorText(error)
        } else {
            Text(L("code_expires", phoneTime(codeExpiresAt, device: screens.device))).foregroundStyle(.secondary)
        }
        Button(L("continue_")) {
            screens.submitCode(code)
            code = ""
        }
        .buttonStyle(.borderedProminent)
        .disabled(screens.busy || code.count != 6)
    }
}
