havenSearch.terms(3,{"box":[6,4],"boxed":[3,1],"boxes":[6,1],"croissant":[3,1],"crossing":[3,1],"home":[0,8],"long":[1,4],"marmalade":[1,1],"read":[1,4]});
