import ClavePIN
import SwiftUI

/// The people on this phone (a family phone has several), and activations waiting for their code.
struct HomeView: View {
    let citizens: [CitizenSummary]
    let waiting: [WaitingActivation]
    let notice: Notice?
    let screens: CitizenApp

    var body: some View {
        Title(L("app_name"))
        if let notice { Text(text(notice, device: screens.device)).accessibilityAddTraits(.updatesFrequently) }
        if citizens.isEmpty && waiting.isEmpty { Text(L("home_empty")) }
        ForEach(citizens, id: \.document) { citizen in
            Button {
                screens.open(citizen.document)
            } label: {
                VStack(alignment: .leading) {
                    Text(citizen.document.normalised).font(.title3)
                    Text(label(citizen.state, unlocked: citizen.unlocked)).font(.body).foregroundStyle(.secondary)
                }
                .frame(maxWidth: .infinity, alignment: .leading)
                .padding()
            }
            .buttonStyle(.bordered)
            .accessibilityElement(children: .combine)
        }
        ForEach(waiting, id: \.document) { activation in
            VStack(alignment: .leading, spacing: 8) {
                Text(L("home_waiting", activation.document.normalised, activation.phoneHint))
                HStack {
                    Button(L("home_resume")) { screens.open(activation.document) }
                    Button(L("cancel"), role: .destructive) { screens.cancelActivation(activation.document) }
                }
            }
        }
        Button(L("home_add")) { screens.addCitizen() }
            .buttonStyle(.borderedProminent)
            .disabled(screens.busy)
        Button(L("new_phone_title")) { screens.newPhone() }
            .disabled(screens.busy)
    }
}

/// "Moving to a new phone": activating on the new one stops this one at once, and a
/// reinstall on the same phone is activated the same way. Nothing to do here: back
/// goes home.
struct NewPhoneView: View {
    var body: some View {
        Title(L("new_phone_title"))
        Text(L("new_phone_body"))
        Text(L("new_phone_reinstall"))
    }
}
