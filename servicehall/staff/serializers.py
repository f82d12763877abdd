"""The staff app's API shapes: exams, attempts (no right answers before submission), results, assessment cards,
adjustments, service manager assessments. Read shapes render `presentation`'s dicts."""

from __future__ import annotations

from rest_framework import serializers


class ExamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    course = serializers.CharField()
    pass_mark = serializers.IntegerField(help_text="Percent of right answers needed to pass.")
    question_count = serializers.IntegerField()
    minutes = serializers.IntegerField(allow_null=True, help_text="Time limit; null for none.")
    passed = serializers.BooleanField(help_text="Whether the signed-in member has passed it.")


class OptionSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    text = serializers.CharField()
    chosen = serializers.BooleanField()
    right = serializers.BooleanField(help_text="Shown only once the attempt was submitted.")


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    text = serializers.CharField()
    options = OptionSerializer(many=True)


class AttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    exam = serializers.CharField()
    exam_id = serializers.IntegerField()
    pass_mark = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    correct = serializers.IntegerField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    questions = QuestionSerializer(many=True)


class SubmitSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.IntegerField(min_value=0), help_text="Question id → index of the chosen option."
    )


class ResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    person = serializers.CharField()
    exam = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    score = serializers.IntegerField()
    passed = serializers.BooleanField()


class CardRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.CharField()
    person_id = serializers.IntegerField()
    month = serializers.DateField()
    computed_score = serializers.DecimalField(max_digits=5, decimal_places=2)
    adjusted = serializers.DecimalField(max_digits=6, decimal_places=2)
    final_score = serializers.DecimalField(max_digits=5, decimal_places=2)
    incentive = serializers.CharField()
    incentive_amount = serializers.DecimalField(max_digits=9, decimal_places=2)


class ComponentSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the field is named label, as in the card
    value = serializers.FloatField(allow_null=True)
    score = serializers.FloatField(help_text="0–100 by the rule in servicehall/staff/scoring.py.")
    weight = serializers.FloatField()


class AdjustmentSerializer(serializers.Serializer):
    points = serializers.DecimalField(max_digits=5, decimal_places=2)
    reason = serializers.CharField()
    by = serializers.CharField()
    at = serializers.DateTimeField()


class CardSerializer(CardRowSerializer):
    components = ComponentSerializer(many=True)
    adjustments = AdjustmentSerializer(many=True)
    computed_at = serializers.DateTimeField()


class ComputeSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM, a month that has ended.")
    recompute = serializers.BooleanField(default=False, help_text="Replace the month's cards already computed.")


class AdjustSerializer(serializers.Serializer):
    points = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="+/- points, not 0.")
    reason = serializers.CharField(max_length=300)


class CriterionScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    max = serializers.IntegerField()
    score = serializers.IntegerField()
    comment = serializers.CharField(allow_blank=True)


class ManagerAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    month = serializers.DateField()
    manager = serializers.CharField()
    assessor = serializers.CharField()
    total = serializers.IntegerField()
    out_of = serializers.IntegerField()
    comment = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    scores = CriterionScoreSerializer(many=True)


class ManagerAssessmentInputSerializer(serializers.Serializer):
    manager = serializers.IntegerField(help_text="The service manager's user id.")
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM.")
    scores = serializers.DictField(child=serializers.IntegerField(), help_text="Criterion code → score.")
    comments = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=300), required=False)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True)
