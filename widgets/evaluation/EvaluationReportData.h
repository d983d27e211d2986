#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>

namespace geolens {

// One line of scored-<model>.jsonl: a question, the model's answer and how it was scored.
struct ScoredQuestion {
    QString id;
    QString image;
    QString question;
    QString answer;
    QString truth;
    // Scene: the class read from the answer, or "(no class)".
    QString predicted;
    QString type;
    QString sizeGroup;
    // "answered", "not answered yet", "missing image" or "unreadable image".
    QString status;
    bool correct = false;
    double score = 0.0;
    // Referring and grounding only: four corners per box, in image pixels.
    QList<QList<QPointF>> predictedBoxes;
    QList<QList<QPointF>> truthBoxes;

    bool isAnswered() const { return status == QLatin1String("answered"); }
};

// A scene benchmark's confusion matrix: rows are the true classes, columns the classes read from
// the answers plus "(no class)", so there is one more column than rows.
struct ConfusionMatrix {
    QStringList classes;
    QStringList columns;
    QList<QList<int>> counts;

    bool isEmpty() const { return classes.isEmpty(); }
    int count(int row, int column) const;
    int rowTotal(int row) const;
};

// What `geolens-cli evaluate --out REPORT_DIR` left in a report folder, read with QtCore alone:
// evaluation.json (what was evaluated; written first), metrics.json (the scores per model),
// tables.csv (the summary table, shown as it is) and scored-<model>.jsonl (every question).
//
// A report still being written may hold evaluation.json alone: that loads, with isComplete()
// false. A file that is there but cannot be read makes load() false, and errorString() names it.
class EvaluationReportData {
    Q_DECLARE_TR_FUNCTIONS(geolens::EvaluationReportData)

public:
    enum class Task { Unknown, Scene, Vqa, Referring, Grounding, Caption };

    // Reads the folder again from scratch. False when evaluation.json is missing or unreadable or
    // another file is malformed; what could be read stays available.
    bool load(const QString &folder);

    QString folder() const { return folder_; }
    // Every problem met, one per line, each naming its file.
    QString errorString() const { return problems_.join(QLatin1Char('\n')); }
    QStringList problems() const { return problems_; }
    // Whether metrics.json is there, that is whether the evaluation has scored its answers.
    bool isComplete() const { return !metrics_.isEmpty(); }

    Task task() const { return task_; }
    // "scene", "vqa", "referring", "grounding" or "caption", as evaluation.json says.
    QString benchmark() const { return evaluation_.value(QLatin1String("benchmark")).toString(); }
    QString dataset() const { return evaluation_.value(QLatin1String("dataset")).toString(); }
    int questions() const { return evaluation_.value(QLatin1String("questions")).toInt(); }
    // The whole of evaluation.json.
    QJsonObject evaluation() const { return evaluation_; }

    // The model names (their folders' names) in the order they were given.
    QStringList models() const { return models_; }
    // metrics.json's object of one model; empty when it has none (yet).
    QJsonObject metrics(const QString &model) const { return metrics_.value(model).toObject(); }
    // Scene: the classes of the benchmark, in evaluation.json's order.
    QStringList classes() const;
    ConfusionMatrix confusion(const QString &model) const;

    // tables.csv: its header and its rows, the cells as written.
    QStringList tableColumns() const { return tableColumns_; }
    QList<QStringList> tableRows() const { return tableRows_; }

    QList<ScoredQuestion> scoredQuestions(const QString &model) const;
    // Scene: the answered questions of one confusion cell, the true class and a column name (a
    // class or "(no class)"), in file order.
    QList<ScoredQuestion> questionsInCell(const QString &model, const QString &trueClass, const QString &column) const;

    // report.html's path; empty while it is not there.
    QString htmlReportPath() const;
    // The files whose change means the report should be read again (those that exist).
    QStringList reportFiles() const;

    static Task taskFromName(const QString &benchmark);
    static QString scoredFileName(const QString &model);
    // RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. False, with the
    // reason in *error, on a quote left open.
    static bool parseCsv(const QByteArray &text, QList<QStringList> *rows, QString *error);

private:
    bool readJsonObject(const QString &name, QJsonObject *object, bool required);
    void readTable();
    void readScored(const QString &model);

    QString folder_;
    QStringList problems_;
    QJsonObject evaluation_;
    QJsonObject metrics_;
    Task task_ = Task::Unknown;
    QStringList models_;
    QStringList tableColumns_;
    QList<QStringList> tableRows_;
    QList<QList<ScoredQuestion>> scored_; // per model, in models_'s order
};

} // namespace geolens
