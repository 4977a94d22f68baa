"""The trial page's income inputs: a child's salary by row, and the stated jobbstimulans history."""

from django.urls import reverse


def _post(client, alice, **fields):
    client.force_login(alice)
    data = {"month": "2023-07", "adult1_birth_date": "1985-02-03", "payment_mode": "equal"}
    data.update(fields)
    return client.post(reverse("calculate"), data)


def test_a_salary_on_the_second_child_row_is_that_childs_and_not_counted(client, alice):
    # only child row 2 is filled: it is member 1, and its 3 000 kr are within the prisbasbelopp
    response = _post(client, alice, child2_birth_date="2007-03-01", income1_type="salary", income1_member="c2",
                     income1_amount="3000")
    result = response.context["result"]
    assert result["support"].ore == 913000  # 3 490 + 4 390 + 1 250, nothing counted
    (line,) = [line for line in result["lines"] if line["rule"] == "child_work_income"]
    assert line["members"] == [1]


def test_a_salary_on_an_empty_child_row_is_a_swedish_error(client, alice):
    response = _post(client, alice, income1_type="salary", income1_member="c3", income1_amount="3000")
    assert response.status_code == 200 and response.context["result"] is None
    assert "barn 3 finns inte i hushållet" in response.content.decode()


def test_the_stated_history_gives_jobbstimulans_and_is_checked(client, alice):
    response = _post(client, alice, adult1_support_months="6", income1_type="salary", income1_member="0",
                     income1_amount="4000")
    assert response.context["result"]["disregarded_income"].ore == 100000
    response = _post(client, alice, adult1_support_months="6", adult1_incentive_used="25")
    assert response.context["result"] is None
    assert "adult1_incentive_used" in response.context["form"].errors


def test_the_exemption_already_used_this_year_is_taken_from_the_child_row(client, alice):
    response = _post(client, alice, child1_birth_date="2007-03-01", child1_exempt_used="51000",
                     income1_type="salary", income1_member="c1", income1_amount="3000")
    assert response.context["result"]["disregarded_income"].ore == 150000
