#include "DeviceComboBox.h"

#include <QSignalBlocker>

namespace geolens {

DeviceComboBox::DeviceComboBox(QWidget *parent) : QComboBox(parent)
{
    setEditable(true);
    // A typed device is a value, not a new item for everyone else.
    setInsertPolicy(QComboBox::NoInsert);
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    setGpus({});
}

void DeviceComboBox::setGpus(const QList<GpuInfo> &gpus)
{
    const QString chosen = count() > 0 ? device() : QStringLiteral("auto");
    const QSignalBlocker blocker(this);
    clear();
    addItem(QStringLiteral("auto"), QStringLiteral("auto"));
    addItem(QStringLiteral("cpu"), QStringLiteral("cpu"));
    for (const GpuInfo &gpu : gpus)
        addItem(gpu.displayText(), gpu.device());
    setDevice(chosen);
}

QString DeviceComboBox::device() const
{
    const QString text = currentText().trimmed();
    const int i = findText(text);
    if (i >= 0) {
        const QString data = itemData(i).toString();
        if (!data.isEmpty())
            return data;
    }
    return text;
}

void DeviceComboBox::setDevice(const QString &device)
{
    const int i = findData(device);
    if (i >= 0) {
        setCurrentIndex(i);
    } else {
        setCurrentIndex(-1);
        setEditText(device);
    }
}

} // namespace geolens
