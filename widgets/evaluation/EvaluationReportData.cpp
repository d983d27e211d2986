#include "EvaluationReportData.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace geolens {

namespace {

const char *const EvaluationFile = "evaluation.json";
const char *const MetricsFile = "metrics.json";
const char *const TableFile = "tables.csv";
const char *const HtmlFile = "report.html";

QList<QList<QPointF>> readBoxes(const QJsonValue &value)
{
    QList<QList<QPointF>> boxes;
    for (const QJsonValue &box : value.toArray()) {
        QList<QPointF> corners;
        for (const QJsonValue &corner : box.toArray()) {
            const QJsonArray xy = corner.toArray();
            if (xy.size() >= 2)
                corners.append(QPointF(xy.at(0).toDouble(), xy.at(1).toDouble()));
        }
        if (!corners.isEmpty())
            boxes.append(corners);
    }
    return boxes;
}

ScoredQuestion readQuestion(const QJsonObject &o)
{
    ScoredQuestion q;
    q.id = o.value(QLatin1String("id")).toString();
    q.image = o.value(QLatin1String("image")).toString();
    q.question = o.value(QLatin1String("question")).toString();
    q.answer = o.value(QLatin1String("answer")).toString();
    q.truth = o.value(QLatin1String("truth")).toVariant().toString();
    q.predicted = o.value(QLatin1String("predicted")).toVariant().toString();
    q.type = o.value(QLatin1String("type")).toString();
    q.sizeGroup = o.value(QLatin1String("size_group")).toString();
    q.status = o.value(QLatin1String("status")).toString();
    q.correct = o.value(QLatin1String("correct")).toBool();
    q.score = o.value(QLatin1String("score")).toDouble();
    q.predictedBoxes = readBoxes(o.value(QLatin1String("predicted_boxes")));
    q.truthBoxes = readBoxes(o.value(QLatin1String("truth_boxes")));
    return q;
}

} // namespace

int ConfusionMatrix::count(int row, int column) const
{
    if (row < 0 || row >= counts.size() || column < 0 || column >= counts.at(row).size())
        return 0;
    return counts.at(row).at(column);
}

int ConfusionMatrix::rowTotal(int row) const
{
    int total = 0;
    if (row >= 0 && row < counts.size())
        for (int n : counts.at(row))
            total += n;
    return total;
}

EvaluationReportData::Task EvaluationReportData::taskFromName(const QString &benchmark)
{
    const QString name = benchmark.toLower();
    if (name == QLatin1String("scene"))
        return Task::Scene;
    if (name == QLatin1String("vqa"))
        return Task::Vqa;
    if (name == QLatin1String("referring"))
        return Task::Referring;
    if (name == QLatin1String("grounding"))
        return Task::Grounding;
    if (name == QLatin1String("caption"))
        return Task::Caption;
    return Task::Unknown;
}

QString EvaluationReportData::scoredFileName(const QString &model)
{
    return QStringLiteral("scored-%1.jsonl").arg(model);
}

bool EvaluationReportData::load(const QString &folder)
{
    folder_ = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    problems_.clear();
    evaluation_ = {};
    metrics_ = {};
    task_ = Task::Unknown;
    models_.clear();
    tableColumns_.clear();
    tableRows_.clear();
    scored_.clear();

    if (!QFileInfo(folder_).isDir()) {
        problems_ << tr("%1 is not a folder.").arg(QDir::toNativeSeparators(folder_));
        return false;
    }
    if (!readJsonObject(QString::fromLatin1(EvaluationFile), &evaluation_, true))
        return false;
    task_ = taskFromName(benchmark());
    for (const QJsonValue &model : evaluation_.value(QLatin1String("models")).toArray()) {
        const QString name = model.toObject().value(QLatin1String("name")).toString();
        if (!name.isEmpty())
            models_ << name;
    }
    if (models_.isEmpty())
        problems_ << tr("%1 names no model.").arg(QDir::toNativeSeparators(QDir(folder_).filePath(QString::fromLatin1(EvaluationFile))));

    readJsonObject(QString::fromLatin1(MetricsFile), &metrics_, false);
    readTable();
    for (const QString &model : std::as_const(models_)) {
        scored_.append(QList<ScoredQuestion>());
        readScored(model);
    }
    return problems_.isEmpty();
}

bool EvaluationReportData::readJsonObject(const QString &name, QJsonObject *object, bool required)
{
    const QString path = QDir(folder_).filePath(name);
    QFile file(path);
    if (!file.exists()) {
        if (required)
            problems_ << tr("%1 does not exist: the folder holds no evaluation report.").arg(QDir::toNativeSeparators(path));
        return false;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        problems_ << tr("%1 cannot be read: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError) {
        problems_ << tr("%1 is not valid JSON (at byte %2: %3).")
                         .arg(QDir::toNativeSeparators(path))
                         .arg(error.offset)
                         .arg(error.errorString());
        return false;
    }
    if (!document.isObject()) {
        problems_ << tr("%1 does not hold a JSON object.").arg(QDir::toNativeSeparators(path));
        return false;
    }
    *object = document.object();
    return true;
}

bool EvaluationReportData::parseCsv(const QByteArray &bytes, QList<QStringList> *rows, QString *error)
{
    rows->clear();
    const QString text = QString::fromUtf8(bytes);
    QStringList row;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"')) {
            quoted = true;
            fieldStarted = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
            fieldStarted = true;
        } else if (c == QLatin1Char('\n') || c == QLatin1Char('\r')) {
            if (c == QLatin1Char('\r') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\n'))
                ++i;
            if (fieldStarted || !field.isEmpty() || !row.isEmpty()) {
                row << field;
                rows->append(row);
            }
            row.clear();
            field.clear();
            fieldStarted = false;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted) {
        if (error)
            *error = tr("a quoted field is not closed");
        return false;
    }
    if (fieldStarted || !field.isEmpty() || !row.isEmpty()) {
        row << field;
        rows->append(row);
    }
    return true;
}

void EvaluationReportData::readTable()
{
    const QString path = QDir(folder_).filePath(QString::fromLatin1(TableFile));
    QFile file(path);
    if (!file.exists())
        return;
    if (!file.open(QIODevice::ReadOnly)) {
        problems_ << tr("%1 cannot be read: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return;
    }
    QList<QStringList> rows;
    QString error;
    if (!parseCsv(file.readAll(), &rows, &error)) {
        problems_ << tr("%1 is not valid CSV: %2.").arg(QDir::toNativeSeparators(path), error);
        return;
    }
    if (rows.isEmpty()) {
        problems_ << tr("%1 is empty.").arg(QDir::toNativeSeparators(path));
        return;
    }
    tableColumns_ = rows.takeFirst();
    tableRows_ = rows;
}

void EvaluationReportData::readScored(const QString &model)
{
    const QString path = QDir(folder_).filePath(scoredFileName(model));
    QFile file(path);
    if (!file.exists())
        return;
    if (!file.open(QIODevice::ReadOnly)) {
        problems_ << tr("%1 cannot be read: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return;
    }
    QByteArray bytes = file.readAll();
    // A file still being written may end in half a line, which is read next time.
    const qsizetype lastNewline = bytes.lastIndexOf('\n');
    bytes.truncate(lastNewline + 1);
    QList<ScoredQuestion> &questions = scored_.last();
    int lineNumber = 0;
    for (const QByteArray &line : bytes.split('\n')) {
        ++lineNumber;
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject()) {
            problems_ << tr("%1, line %2, is not a JSON object.").arg(QDir::toNativeSeparators(path)).arg(lineNumber);
            return;
        }
        questions.append(readQuestion(document.object()));
    }
}

QStringList EvaluationReportData::classes() const
{
    QStringList names;
    for (const QJsonValue &name : evaluation_.value(QLatin1String("classes")).toArray())
        names << name.toString();
    return names;
}

ConfusionMatrix EvaluationReportData::confusion(const QString &model) const
{
    ConfusionMatrix matrix;
    const QJsonObject object = metrics(model).value(QLatin1String("confusion")).toObject();
    for (const QJsonValue &name : object.value(QLatin1String("classes")).toArray())
        matrix.classes << name.toString();
    for (const QJsonValue &name : object.value(QLatin1String("columns")).toArray())
        matrix.columns << name.toString();
    for (const QJsonValue &row : object.value(QLatin1String("matrix")).toArray()) {
        QList<int> counts;
        for (const QJsonValue &n : row.toArray())
            counts << n.toInt();
        matrix.counts << counts;
    }
    return matrix;
}

QList<ScoredQuestion> EvaluationReportData::scoredQuestions(const QString &model) const
{
    const qsizetype index = models_.indexOf(model);
    return index >= 0 && index < scored_.size() ? scored_.at(index) : QList<ScoredQuestion>();
}

QList<ScoredQuestion> EvaluationReportData::questionsInCell(const QString &model, const QString &trueClass,
                                                            const QString &column) const
{
    QList<ScoredQuestion> cell;
    const qsizetype index = models_.indexOf(model);
    if (index < 0 || index >= scored_.size())
        return cell;
    for (const ScoredQuestion &q : scored_.at(index))
        if (q.isAnswered() && q.truth == trueClass && q.predicted == column)
            cell.append(q);
    return cell;
}

QString EvaluationReportData::htmlReportPath() const
{
    const QString path = QDir(folder_).filePath(QString::fromLatin1(HtmlFile));
    return !folder_.isEmpty() && QFileInfo::exists(path) ? path : QString();
}

QStringList EvaluationReportData::reportFiles() const
{
    QStringList names{QString::fromLatin1(EvaluationFile), QString::fromLatin1(MetricsFile), QString::fromLatin1(TableFile),
                      QString::fromLatin1(HtmlFile)};
    for (const QString &model : models_)
        names << scoredFileName(model);
    QStringList paths;
    for (const QString &name : std::as_const(names)) {
        const QString path = QDir(folder_).filePath(name);
        if (QFileInfo::exists(path))
            paths << path;
    }
    return paths;
}

} // namespace geolens
