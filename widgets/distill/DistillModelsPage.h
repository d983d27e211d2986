#pragma once

#include "DistillWizardPage.h"
#include "distill/DistillConfig.h"
#include "model/ModelConfig.h"

#include <optional>

class QGroupBox;
class QLabel;
class QLineEdit;

namespace geolens {

class DeviceComboBox;

// The first page: the teacher and student model folders, each read (config.json) as soon as it
// is typed, with the device each runs on.
class DistillModelsPage : public DistillWizardPage {
    Q_OBJECT

public:
    struct Side {
        QLineEdit *folder = nullptr;
        DeviceComboBox *device = nullptr;
        QLabel *info = nullptr;
        std::optional<ModelConfig> config;
        QString error;
    };

    explicit DistillModelsPage(DistillWizard *wizard);

    // Fills the device lists from the wizard's GPU inventory, keeping the devices chosen.
    void devicesListed();
    void load(const DistillConfig &c);
    void apply(DistillConfig &c) const;

    const std::optional<ModelConfig> &teacherConfig() const { return teacher_.config; }
    const std::optional<ModelConfig> &studentConfig() const { return student_.config; }

    bool validatePage() override;

private:
    QGroupBox *makeSide(Side &side, const QString &title, const QString &toolTip);
    void refresh(Side &side);
    bool checkSide(const Side &side, const QString &role);
    void updateSizeWarning();

    Side teacher_;
    Side student_;
    QLabel *gpuNote_;
    QLabel *sizeWarning_; // a student larger than its teacher: allowed, but most likely swapped folders
};

} // namespace geolens
